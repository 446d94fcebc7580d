#!/usr/bin/env bats
# Every kernel in the registry, every mode, at --size tiny: under --reduce
# repro every run is bitwise equal to seq; under fast within tolerance.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    load helpers
    export CAMPAIGN="$BATS_FILE_TMPDIR/campaign"
    for k in $("$PARITY" list --names); do
        local out="$CAMPAIGN/$k" common=(--size tiny --quiet)
        parity run "$k" "${common[@]}" --outdir "$out"
        for t in 1 2 3; do
            parity run "$k" "${common[@]}" --mode omp --threads "$t" --outdir "$out"
        done
        for p in 1 2 3 4; do
            mpi "$p" run "$k" "${common[@]}" --mode mpi --outdir "$out"
        done
        mpi 2 run "$k" "${common[@]}" --mode mpi --threads 2 --outdir "$out"
        parity run "$k" "${common[@]}" --mode omp --threads 2 --reduce fast --outdir "$out"
        mpi 3 run "$k" "${common[@]}" --mode mpi --reduce fast --outdir "$out"
    done
}

@test "every kernel ran in every mode (11 result files each)" {
    for k in $(parity list --names); do
        n=$(ls "$CAMPAIGN/$k"/*.h5 | wc -l)
        [ "$n" -eq 11 ] || { echo "$k: $n result files"; false; }
    done
}

@test "repro: omp 1-3 threads, mpi 1-4 ranks and hybrid 2x2 are bitwise equal to seq" {
    for k in $(parity list --names); do
        rows=$(verify_rows "$CAMPAIGN/$k" | awk '$4 == "repro"')
        echo "$rows"
        [ "$(echo "$rows" | grep -c ' bitwise ')" -eq 8 ] || { echo "$k: not 8 bitwise"; false; }
        [ "$(echo "$rows" | grep -c ' reference ')" -eq 1 ]
    done
}

@test "fast: native reductions are within the kernel's tolerance" {
    for k in $(parity list --names); do
        rows=$(verify_rows "$CAMPAIGN/$k" | awk '$4 == "fast"')
        echo "$rows"
        [ "$(echo "$rows" | wc -l)" -eq 2 ]
        [[ "$rows" != *MISMATCH* ]]
    done
}

@test "every self-check passed and verify exits 0 on the whole campaign" {
    run parity verify "$CAMPAIGN"
    echo "$output" | tail -1
    [ "$status" -eq 0 ]
    [[ "${lines[-1]}" == *"0 MISMATCH"*"0 self-check(s) failed"* ]]
}

# reduce attribute of a result file ("repro" or "fast")
reduce_of() { h5dump -a /run/reduce "$1" | grep -oE '"(repro|fast)"' | tr -d '"'; }

@test "repro: the arrays on disk are byte for byte seq's (each rank wrote its own block)" {
    for k in $(parity list --names); do
        seq_file=$(ls "$CAMPAIGN/$k"/*_seq_*.h5)
        for f in "$CAMPAIGN/$k"/*.h5; do
            [ "$(reduce_of "$f")" = repro ] || continue
            h5diff "$seq_file" "$f" /result /result || { echo "$k: $f differs"; false; }
        done
    done
}

@test "arrays larger than the write buffer (4 MiB): 3 ranks write what seq writes" {
    d="$BATS_TEST_TMPDIR/big"
    parity run heat --n 1100 --steps 2 --reps 1 --warmup 0 --out "$d/seq.h5" --quiet
    mpi 3 run heat --n 1100 --steps 2 --reps 1 --warmup 0 --mode mpi --out "$d/mpi.h5" --quiet
    h5diff "$d/seq.h5" "$d/mpi.h5" /result /result
    # and the check can fail: one element changed is found
    "$PARITY_BUILD/tests/h5perturb" "$d/mpi.h5" grid 600000 1e-9
    run h5diff "$d/seq.h5" "$d/mpi.h5" /result /result
    [ "$status" -eq 1 ]
}

# ---- the mode table reaches the scripts (issue 10 §3) -----------------------
# A parity whose `list --format tsv` is edited by awk: the scripts must follow
# what it says (a new mode row, a kernel without omp), which they can only do
# by reading the list.  $1: the awk program applied to the tsv.
fake_parity() {
    local dir=$BATS_TEST_TMPDIR/fake
    mkdir -p "$dir"
    printf '%s\n' "$1" >"$dir/edit.awk"
    cat >"$dir/parity" <<EOS
#!/usr/bin/env bash
if [ "\$1" = list ] && [ "\$2" = --format ] && [ "\$3" = tsv ]; then
    set -o pipefail
    "$PARITY" "\$@" | awk -F'\t' -v OFS='\t' -f "$dir/edit.awk"
else
    exec "$PARITY" "\$@"
fi
EOS
    chmod +x "$dir/parity"
    echo "$dir/parity"
}
SWEEP_SH="$BATS_TEST_DIRNAME/../../jobs/sweep.sh"

@test "sweep: a mode row added to the table is swept like mpi, with no script change" {
    fake=$(fake_parity '{ print } $1 == "mode" && $2 == "mpi" { print "mode", "rma", 0, 1, 0, "one-sided MPI" }
        $1 == "kmode" && $2 == "pi" && $3 == "mpi" { print "kmode", "pi", "rma" }')
    run env PARITY="$fake" "$SWEEP_SH" --kernels pi --sizes tiny --modes rma --ranks 1,2 \
        --campaign "$BATS_TEST_TMPDIR/c" --dry-run
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -cE '^\[[0-9]/3\] ')" -eq 3 ]
    echo "$output" | grep -qE "^    .*mpirun -np 2 .*/parity run pi --mode rma --threads 1 "
    # the real parity has no such mode, and says which ones it has
    run --separate-stderr "$SWEEP_SH" --kernels pi --sizes tiny --modes rma --dry-run
    echo "$stderr"
    [ "$status" -eq 2 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [ "$stderr" = "sweep: unknown mode 'rma' (modes: omp mpi hybrid; seq always runs)" ]
}

@test "sweep: a kernel that lacks a mode gets no runs of it, and the sweep says so" {
    fake=$(fake_parity '!($1 == "kmode" && $2 == "heat" && $3 == "omp")')
    run env PARITY="$fake" "$SWEEP_SH" --kernels pi,heat --sizes tiny --modes omp --threads 1,2 \
        --campaign "$BATS_TEST_TMPDIR/c" --dry-run
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"sweep: heat does not provide mode omp: those runs are left out"* ]]
    [ "$(echo "$output" | grep -cE '^\[[0-9]/4\] heat seq ')" -eq 1 ]
    [ "$(echo "$output" | grep -cE '^\[[0-9]/4\] heat omp ')" -eq 0 ]
    [ "$(echo "$output" | grep -cE '^\[[0-9]/4\] pi omp ')" -eq 2 ]
    # with the real list heat has omp: 6 runs
    run "$SWEEP_SH" --kernels pi,heat --sizes tiny --modes omp --threads 1,2 \
        --campaign "$BATS_TEST_TMPDIR/c" --dry-run
    [ "$(echo "$output" | grep -cE '^\[[0-9]/6\] heat omp ')" -eq 2 ]
}

@test "plan.sh: sizes and result file names come from parity's list" {
    fake=$(fake_parity '$1 == "size" && $2 == "large" { print "size", "huge"; next }
        $1 == "file" { print "file", "{kernel}-{mode}-{ranks}x{threads}-{size}-{id}.h5"; next } { print }')
    run bash -c '. "$2"; PARITY=$1 plan_find_parity; echo "$PLAN_SIZES"
        plan_file_glob d pi omp 1 2 tiny' _ "$fake" "$BATS_TEST_DIRNAME/../../jobs/lib/plan.sh"
    echo "$output"
    [ "${lines[0]}" = "tiny small medium huge" ]
    [ "${lines[1]}" = "d/pi-omp-1x2-tiny-*.h5" ]
    run bash -c '. "$2"; PARITY=$1 plan_find_parity; plan_file_glob d pi omp 1 2 tiny' _ "$PARITY" "$BATS_TEST_DIRNAME/../../jobs/lib/plan.sh"
    [ "$output" = "d/pi_omp_p1_t2_tiny_*.h5" ]
    # a parity whose list fails is one line, exit 2
    run --separate-stderr env PARITY=/bin/false "$SWEEP_SH" --dry-run
    [ "$status" -eq 2 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
}

@test "parity.sbatch: a configuration's tasks x threads come from the mode table" {
    sbatch_sh="$BATS_TEST_DIRNAME/../../jobs/slurm/parity.sbatch"
    jobs_dir="$BATS_TEST_DIRNAME/../.."/jobs
    # outside a real job: the mode is checked before anything runs
    run --separate-stderr env SLURM_JOB_ID=1 PARITY_JOBS="$jobs_dir" PARITY_CPU_BIND=none \
        "$sbatch_sh" --campaign "$BATS_TEST_TMPDIR/c" pi:tiny:foo
    echo "$stderr"
    [ "$status" -eq 2 ]
    [ "$stderr" = "parity.sbatch: pi:tiny:foo: mode must be one of seq omp mpi (parity list --modes)" ]
    # a launcher mode without threads, added to the table: all 3 tasks, 1 thread
    # (srun itself fails here, with no cluster: the step line is what counts)
    fake=$(fake_parity '{ print } $1 == "mode" && $2 == "mpi" { print "mode", "rma", 0, 1, 0, "one-sided MPI" }
        $1 == "kmode" && $2 == "pi" && $3 == "mpi" { print "kmode", "pi", "rma" }')
    run env PARITY="$fake" SLURM_JOB_ID=1 SLURM_NTASKS=3 SLURM_CPUS_PER_TASK=2 PARITY_JOBS="$jobs_dir" \
        PARITY_CPU_BIND=none \
        "$sbatch_sh" --campaign "$BATS_TEST_TMPDIR/c" pi:tiny:rma pi:tiny:omp
    echo "$output"
    [[ "$output" == *"[1/2] pi rma p=3 t=1 tiny: OMP_NUM_THREADS=1 "*" --ntasks=3 "*"run pi --mode rma --threads 1 "* ]]
}
