#!/usr/bin/env bats
# jobs/sweep.sh, the workstation sweep: a tiny campaign completes and
# verifies, shows progress, resumes without redoing what is complete, leaves
# nothing unfinished when interrupted, and fails when a run or verify fails.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    load helpers
    export SWEEP="$BATS_TEST_DIRNAME/../../jobs/sweep.sh"
    export RESULTS="$BATS_FILE_TMPDIR/results"
    # pi and at most one other kernel; fixed counts so the test is the same
    # on any machine, one rank count past the cores to oversubscribe.
    export KERNELS="pi $("$PARITY" list --names | grep -vx pi | head -1 | xargs)"
    KERNELS=${KERNELS% }
    export OVER=$(($(nproc) + 1))
    export PLAN="$BATS_FILE_TMPDIR/plan.env"
    cat >"$PLAN" <<EOF
# the sweep these tests share
kernels="$KERNELS"
sizes=tiny
modes="omp mpi hybrid"
threads="1 2"
ranks="1 $OVER"
hybrid=2x2
reps=1
warmup=0
EOF
    export NRUNS=$((6 * $(echo "$KERNELS" | wc -w)))
    local rc=0
    "$SWEEP" --plan "$PLAN" --results "$RESULTS" --campaign full >"$BATS_FILE_TMPDIR/full.out" 2>&1 || rc=$?
    echo "$rc" >"$BATS_FILE_TMPDIR/full.rc"
}

full_output() { cat "$BATS_FILE_TMPDIR/full.out"; }
# some process's command line contains $1
# Is a process running whose command line contains $1?  The command lines
# are collected first: a grep in the same pipeline would find its own.
running_with() {
    local f all=""
    for f in /proc/[0-9]*/cmdline; do all+="$(tr '\0' ' ' <"$f" 2>/dev/null)"$'\n'; done
    [[ "$all" == *"$1"* ]]
}
h5_count() { find "$1" -name '*.h5' | wc -l; }
# name and modification time (ns) of every result file
stamps() { find "$1" -name '*.h5' -printf '%P %T@\n' | sort; }

@test "a tiny sweep completes, shows progress and time left, and verify passes" {
    full_output
    [ "$(cat "$BATS_FILE_TMPDIR/full.rc")" -eq 0 ]
    n=$(full_output | grep -cE "^\[[0-9]+/$NRUNS\] [a-z]+ (seq|omp|mpi) p=[0-9]+ t=[0-9]+ tiny … [0-9.]+ s ✓")
    [ "$n" -eq "$NRUNS" ]
    full_output | grep -qE '✓ .*~[0-9.]+ s left$'
    full_output | grep -q "all $NRUNS planned runs have a result file"
    full_output | grep -qE "^verify: $NRUNS run\(s\): .* 0 MISMATCH, 0 without baseline, 0 DAMAGED; 0 self-check\(s\) failed"
}

@test "the campaign holds one result file per run and the plan, which is shell-sourceable" {
    C="$RESULTS/full"
    [ "$(h5_count "$C")" -eq "$NRUNS" ]
    [ -z "$(find "$C" -name '*.tmp')" ]
    for k in $KERNELS; do
        for prefix in seq_p1_t1 omp_p1_t1 omp_p1_t2 mpi_p1_t1 "mpi_p${OVER}_t1" mpi_p2_t2; do
            ls "$C/${k}_${prefix}_tiny_"*.h5
        done
    done
    (
        . "$C/plan.env"
        [ "$kernels" = "$KERNELS" ] && [ "$ranks" = "1 $OVER" ] && [ "$modes" = "seq omp mpi hybrid" ]
    )
}

@test "oversubscription is said, and mpirun gets --oversubscribe only past the cores" {
    full_output | grep -q "pi mpi p=$OVER t=1 tiny … .*oversubscribed: $OVER rank(s) x 1 thread(s) on $(nproc) cores"
    log="$RESULTS/full/sweep.log"
    grep "pi mpi p=$OVER t=1 tiny:" "$log" | grep -q -- "mpirun -np $OVER --oversubscribe"
    grep -q "pi mpi p=1 t=1 tiny:" "$log"
    [ "$(grep "pi mpi p=1 t=1 tiny:" "$log" | grep -c -- --oversubscribe)" -eq 0 ]
    grep "pi omp p=1 t=2 tiny:" "$log" | grep -q "OMP_PLACES=cores OMP_PROC_BIND=close"
    if [ "$(nproc)" -ge 4 ]; then
        grep "pi mpi p=2 t=2 tiny:" "$log" | grep -q -- "--map-by slot:PE=2"
    else
        grep "pi mpi p=2 t=2 tiny:" "$log" | grep -q -- "--bind-to none"
    fi
    if [ "$(id -u)" -eq 0 ]; then full_output | grep -q "running as root: mpirun gets OMPI_ALLOW_RUN_AS_ROOT=1"
    else ! full_output | grep -q "running as root"; fi
}

@test "resume: a deleted, an unfinished (.tmp) and a corrupt result are redone; the damaged ones are quarantined, never deleted" {
    C="$BATS_TEST_TMPDIR/resume"
    cp -a "$RESULTS/full" "$C"
    rm "$C"/pi_omp_p1_t2_tiny_*.h5
    tmp="$C/pi_mpi_p1_t1_tiny_20000101T000000Z-000000.h5.tmp"
    mv "$C"/pi_mpi_p1_t1_tiny_*.h5 "$tmp"
    seq_file=$(ls "$C"/pi_seq_p1_t1_tiny_*.h5)
    head -c 300 "$seq_file" >"$seq_file.x" && mv "$seq_file.x" "$seq_file"
    run --separate-stderr parity info --check "$seq_file"
    [ "$status" -eq 1 ]
    [[ "$output" == "$seq_file: damaged: "* ]]
    seq_sum=$(cksum <"$seq_file") tmp_sum=$(cksum <"$tmp")
    before=$(stamps "$C" | grep -v pi_seq_)
    run "$SWEEP" --plan "$PLAN" --campaign "$C"
    echo "$output"
    [ "$status" -eq 0 ]
    q="$C/quarantine"
    [[ "$output" == *"quarantined $tmp -> $q/${tmp##*/} (unfinished"* ]]
    [[ "$output" == *"quarantined $seq_file -> $q/${seq_file##*/} (damaged: "* ]]
    [[ "$output" == *"resuming: $((NRUNS - 3)) of $NRUNS runs are done, 3 to run"* ]]
    [ "$(echo "$output" | grep -c ' ✓')" -eq 3 ]
    [ "$(echo "$output" | grep -c '… done earlier')" -eq $((NRUNS - 3)) ]
    # the damaged files are kept byte for byte, each with its reason
    [ "$(cksum <"$q/${seq_file##*/}")" = "$seq_sum" ]
    [ "$(cksum <"$q/${tmp##*/}")" = "$tmp_sum" ]
    grep -q "damaged: " "$q/${seq_file##*/}.reason"
    grep -q "unfinished" "$q/${tmp##*/}.reason"
    # every file that was complete is still there, untouched
    after=$(stamps "$C")
    comm -23 <(echo "$before") <(echo "$after") | tee /dev/stderr | { ! grep -q .; }
    [ "$(find "$C" -name '*.h5' -not -path '*/quarantine/*' | wc -l)" -eq "$NRUNS" ]
    [ -z "$(find "$C" -name '*.tmp' -not -path '*/quarantine/*')" ]
    ls "$C"/pi_omp_p1_t2_tiny_*.h5 "$C"/pi_mpi_p1_t1_tiny_*.h5 "$C"/pi_seq_p1_t1_tiny_*.h5
    # verify does not count what is in quarantine
    [[ "$output" == *"verify: $NRUNS run(s): "* ]]
    # and a second rerun has nothing left to do
    run "$SWEEP" --plan "$PLAN" --campaign "$C"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -c '… done earlier')" -eq "$NRUNS" ]
}

@test "resume never deletes a good file: file locks failing with ENOLCK (NFS), a newer schema_version" {
    C="$BATS_TEST_TMPDIR/nolock"
    cp -a "$RESULTS/full" "$C"
    shim="$BATS_TEST_TMPDIR/nolock.so"
    cc -shared -fPIC -o "$shim" "$BATS_TEST_DIRNAME/nolock_shim.c" -ldl
    one=$(ls "$C"/pi_seq_p1_t1_tiny_*.h5)
    # the shim does make HDF5's locking fail (else this test proves nothing)
    py=$(h5py_python)
    run env LD_PRELOAD="$shim" "$py" -c "import h5py,sys; h5py.File(sys.argv[1],'r')" "$one"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *"unable to lock file"* ]]
    before=$(stamps "$C")
    # asan's runtime need not come first when the shim is preloaded
    run env LD_PRELOAD="$shim" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        "$SWEEP" --plan "$PLAN" --campaign "$C"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -c '… done earlier')" -eq "$NRUNS" ]
    [[ "$output" == *"file locking failed"* ]]
    [ "$before" = "$(stamps "$C")" ]
    [ ! -e "$C/quarantine" ]
    # a valid file from a newer parity (schema_version 99): kept, the sweep stops
    newer=$(ls "$C"/pi_omp_p1_t2_tiny_*.h5)
    "$py" -c "import h5py,sys,numpy; h5py.File(sys.argv[1],'r+').attrs['schema_version']=numpy.int64(99)" "$newer"
    sum=$(cksum <"$newer")
    rm "$C"/pi_mpi_p1_t1_tiny_*.h5           # a run that is due
    run --separate-stderr parity info --check "$newer"
    [ "$status" -eq 2 ]
    [[ "$output" == "$newer: cannot read here: schema version 99"* ]]
    run --separate-stderr "$SWEEP" --plan "$PLAN" --campaign "$C"
    echo "$output"; echo "$stderr"
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "sweep: "*"cannot be read here"* ]]
    [[ "$output" == *"kept $newer: cannot read here: schema version 99"* ]]
    [ "$(cksum <"$newer")" = "$sum" ]
    [ ! -e "$C/quarantine" ]
    [ -z "$(ls "$C"/pi_mpi_p1_t1_tiny_*.h5 2>/dev/null)" ]   # nothing was run
    # the dry run says so too, and changes nothing
    run "$SWEEP" --plan "$PLAN" --campaign "$C" --dry-run
    [ "$status" -eq 0 ]
    [[ "$output" == *"pi omp p=1 t=2 tiny  (cannot be read here: kept)"* ]]
    [ "$(cksum <"$newer")" = "$sum" ]
}

@test "SIGINT mid-sweep: exit 130, no unfinished file, no process left; the rerun completes" {
    C="$BATS_TEST_TMPDIR/int"
    # 10 runs of >= 0.5 s each (mpirun start-up): the signal comes after the
    # sweep has set its trap (~0.3 s) even on a loaded machine, and long
    # before the last run
    args=(--kernels "pi iowait" --sizes tiny --modes mpi --ranks "1 2 3 4" --hybrid "" --reps 1 --warmup 0 --campaign "$C")
    run timeout --preserve-status -s INT 3 "$SWEEP" "${args[@]}"
    echo "$output"
    [ "$status" -eq 130 ]
    [[ "$output" == *"sweep: interrupted"* ]]
    [ -z "$(find "$C" -name '*.tmp')" ]
    n=$(h5_count "$C")
    [ "$n" -lt 10 ]
    for f in "$C"/*.h5; do [ -e "$f" ] || continue; parity info "$f" >/dev/null; done
    run running_with "--outdir $C"
    [ "$status" -ne 0 ]
    before=$(stamps "$C")
    run "$SWEEP" "${args[@]}"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(h5_count "$C")" -eq 10 ]
    [ "$(echo "$output" | grep -c '… done earlier')" -eq "$n" ]
    comm -23 <(echo "$before") <(stamps "$C") | { ! grep -q .; }
}

@test "--dry-run lists every run with its command and runs nothing" {
    C="$BATS_TEST_TMPDIR/dry"
    run "$SWEEP" --plan "$PLAN" --campaign "$C" --dry-run
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -cE "^\[[0-9]+/$NRUNS\] ")" -eq "$NRUNS" ]
    [ "$(echo "$output" | grep -cE "^    .*/parity run ")" -eq "$NRUNS" ]
    echo "$output" | grep -qE "^    .*mpirun -np $OVER --oversubscribe .* --mode mpi --threads 1 --size tiny"
    [ ! -e "$C" ]
    # on the complete campaign every run is marked done and nothing changes
    before=$(stamps "$RESULTS/full")
    run "$SWEEP" --plan "$PLAN" --results "$RESULTS" --campaign full --dry-run
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -c '(done earlier)')" -eq "$NRUNS" ]
    [ "$before" = "$(stamps "$RESULTS/full")" ]
}

@test "defaults come from the machine: counts one step past the cores, iowait far past, seq always" {
    run "$SWEEP" --kernels pi --modes omp --campaign "$BATS_TEST_TMPDIR/d" --dry-run
    echo "$output"
    [ "$status" -eq 0 ]
    cores=$(nproc)
    for key in threads ranks; do
        counts=$(echo "$output" | sed -n "s/^  plan: $key=\"\(.*\)\"$/\1/p")
        [ -n "$counts" ]
        last=${counts##* }
        [ "$last" -gt "$cores" ]                      # one step past the cores
        for c in ${counts% *}; do [ "$c" -le "$cores" ]; done
        [[ " $counts " == *" $cores "* ]]             # and the cores themselves
    done
    wide=$(echo "$output" | sed -n 's/^  plan: wide_threads="\(.*\)"$/\1/p')
    [ "${wide##* }" -ge 16 ]
    echo "$output" | grep -q '^  plan: wide_kernels="iowait"'
    echo "$output" | grep -qE '^\[1/[0-9]+\] pi seq p=1 t=1 small$'
    [ -z "$(grep -E '^\[[0-9]+/[0-9]+\] pi mpi' <<<"$output")" ]
    # a latency-bound kernel's threads go far past the cores
    run "$SWEEP" --kernels pi --modes omp --wide-kernels pi --wide-threads 1,32 --campaign "$BATS_TEST_TMPDIR/w" --dry-run
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -cE '^\[[0-9]+/3\] pi ')" -eq 3 ]
    echo "$output" | grep -qE '^\[3/3\] pi omp p=1 t=32 small$'
}

@test "a campaign made by another plan is refused; --plan with its plan.env resumes it" {
    run "$SWEEP" --plan "$PLAN" --results "$RESULTS" --campaign full --reps 2
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "$output" == *'> reps="2"'* ]]
    [[ "$output" == *"continue it with --plan $RESULTS/full/plan.env"* ]]
    run "$SWEEP" --plan "$RESULTS/full/plan.env" --results "$RESULTS" --campaign full --dry-run
    [ "$status" -eq 0 ]
}

@test "bad input: unknown kernel, size or option, bad counts: exit 2 and one line" {
    for bad in "--kernels nosuch" "--sizes huge" "--threads 0" "--ranks two" "--hybrid 2by2" "--reduce quick" "--nodes 2" "--frobnicate 1"; do
        # shellcheck disable=SC2086
        run --separate-stderr "$SWEEP" $bad --dry-run
        echo "$bad -> $status: $stderr"
        [ "$status" -eq 2 ]
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == sweep:* ]]
    done
    run "$SWEEP" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"--dry-run"*"--kernels LIST"* ]]
}

@test "the exit status says whether everything matched: a failed run, a perturbed result" {
    # a run that fails (an invalid parameter) is reported, missing, and fails the sweep
    run "$SWEEP" --kernels pi --sizes tiny --modes omp --threads 2 --args "--n 0" --campaign "$BATS_TEST_TMPDIR/bad"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"pi omp p=1 t=2 tiny … "*"✗ FAILED (exit 2"* ]]
    [[ "$output" == *"missing: pi omp p=1 t=2 tiny"* ]]
    # a complete campaign whose omp result was changed after the fact
    C="$BATS_TEST_TMPDIR/perturbed"
    cp -a "$RESULTS/full" "$C"
    "$PARITY_BUILD/tests/h5perturb" "$C"/pi_omp_p1_t2_tiny_*.h5 value 0 1e-13
    run "$SWEEP" --plan "$PLAN" --campaign "$C"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E 'omp +1 +2 +repro .* MISMATCH'
}
