#!/usr/bin/env bats
# jobs/slurm/ on a real one-node Slurm cluster (tests/slurm/cluster.sh):
# a small sweep submitted through the submitter runs as one job per shape
# plus an analysis job and verifies, with the job ids in every result file;
# a job whose step fails shows FAILED with the step's exit code, and the
# analysis job names the configurations that are missing.

bats_require_minimum_version 1.5.0
load ../cli/helpers

CLUSTER="$BATS_TEST_DIRNAME/cluster.sh"
SUBMIT="$BATS_TEST_DIRNAME/../../jobs/slurm/submit.sh"

# Why this machine cannot run the cluster, if it cannot.
cannot_run() {
    [ "$(id -u)" -eq 0 ] || { echo "needs root (slurmd starts job steps, munged runs as munge)"; return; }
    local c
    for c in munged slurmctld slurmd sbatch srun squeue scontrol runuser h5dump; do
        command -v "$c" >/dev/null || { echo "$c not installed (apt-get install slurm-wlm munge)"; return; }
    done
    id munge >/dev/null 2>&1 || echo "no munge user (apt-get install munge)"
}

# Wait until none of the jobs is pending or running (at most $1 seconds).
wait_jobs() {
    local limit=$1 t=0
    shift
    while [ -n "$(squeue -h -j "$(IFS=,; echo "$*")" -o %i 2>/dev/null)" ]; do
        t=$((t + 1))
        [ "$t" -le "$limit" ] || { echo "jobs still queued after $limit s:"; squeue; return 1; }
        sleep 1
    done
}

job_field() { # ID FIELD: a field of `scontrol show job`
    scontrol show job "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1
}

setup_file() {
    load ../cli/helpers
    export SKIP_REASON
    SKIP_REASON=$(cannot_run)
    [ -z "$SKIP_REASON" ] || return 0
    export PARITY_SLURM_DIR
    PARITY_SLURM_DIR=$(mktemp -d /tmp/parity-slurm-test.XXXXXX)
    "$CLUSTER" start >&3
    eval "$("$CLUSTER" env)"
    export SLURM_CONF
    export R="$BATS_FILE_TMPDIR/results"
    # A small sweep: seq, omp 1-2 threads, mpi 1-3 ranks (3 > 2 cores here).
    "$SUBMIT" --results "$R" --campaign good --kernels pi --sizes tiny \
        --modes "omp mpi" --threads 1,2 --ranks 1,2,3 --reps 1 --warmup 0 >"$BATS_FILE_TMPDIR/good.out"
    # A user's kernel (the example plugin, built against this tree's public
    # headers) submitted by path like a built-in one.
    export PLUGIN="$BATS_FILE_TMPDIR/plugin/jacobi1d.so"
    mkdir -p "$(dirname "$PLUGIN")"
    mpicc -I"$BATS_TEST_DIRNAME/../../include" -ffp-contract=off -fno-fast-math -O2 -fopenmp -DJACOBI1D_VERSION='"slurm-test"' \
        -fPIC -shared -o "$PLUGIN" "$BATS_TEST_DIRNAME"/../../examples/jacobi1d/jacobi1d{,_mpi}.c -lm
    "$SUBMIT" --results "$R" --campaign plugin --kernels "$PLUGIN" --sizes tiny \
        --modes "omp mpi" --threads 2 --ranks 2 --reps 1 --warmup 0 >"$BATS_FILE_TMPDIR/plugin.out"
    # Every run gets an invalid parameter: its job's first step fails.
    "$SUBMIT" --results "$R" --campaign bad --kernels pi --sizes tiny \
        --modes omp --threads 1 --args "--n 0" >"$BATS_FILE_TMPDIR/bad.out"
    # shellcheck disable=SC2046
    wait_jobs 180 $(cat "$R/good/slurm/jobs.txt" "$R/bad/slurm/jobs.txt" "$R/plugin/slurm/jobs.txt") >&3
}

teardown_file() {
    if [ -n "${PARITY_SLURM_DIR:-}" ]; then
        "$CLUSTER" stop >&3 || true
        rm -rf "$PARITY_SLURM_DIR"
    fi
    return 0
}

setup() {
    [ -z "$SKIP_REASON" ] || skip "SKIP: $SKIP_REASON"
}

@test "the test cluster is up: munged, slurmctld, slurmd and an idle node" {
    run "$CLUSTER" status
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"localhost idle"* ]]
}

@test "the submitter prints one job per shape, the analysis job and where results land" {
    out=$(cat "$BATS_FILE_TMPDIR/good.out")
    echo "$out"
    # shapes: 1x1x1 (seq, omp 1, mpi 1), 1x1x2 (omp 2), 1x2x1 (mpi 2), mpi 3
    [ "$(echo "$out" | grep -cE '^submit: job [0-9]+ +1 node\(s\) x [0-9]+ task\(s\)')" -eq 4 ]
    [[ "$out" == *"submit: job "*" analysis (verify, missing configurations) after "* ]]
    [[ "$out" == *"results in $R/good/"* ]]
    [ "$(wc -l <"$R/good/slurm/jobs.txt")" -eq 5 ]
    [ -f "$R/good/plan.env" ]
}

@test "every job of the small sweep COMPLETED with exit code 0" {
    for id in $(cat "$R/good/slurm/jobs.txt"); do
        echo "job $id: $(job_field "$id" JobName) $(job_field "$id" JobState) $(job_field "$id" ExitCode)"
        [ "$(job_field "$id" JobState)" = COMPLETED ]
        [ "$(job_field "$id" ExitCode)" = 0:0 ]
    done
}

@test "the campaign verifies: one result file per planned run, bitwise equal to seq" {
    C="$R/good"
    [ "$(find "$C" -name '*.h5' | wc -l)" -eq 6 ]
    run parity verify "$C"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"6 run(s): 1 reference, 5 bitwise"* ]]
    analysis=$(ls "$C"/slurm/parity-analysis-*.out)
    grep -q "all 6 planned runs have a result file" "$analysis"
    grep -q "every planned run is done and every parallel result matches seq" "$analysis"
}

@test "a plugin kernel submitted by path runs as jobs, verifies bitwise and records its sha256" {
    C="$R/plugin"
    cat "$BATS_FILE_TMPDIR/plugin.out"
    for id in $(cat "$C/slurm/jobs.txt"); do
        echo "job $id: $(job_field "$id" JobName) $(job_field "$id" JobState) $(job_field "$id" ExitCode)"
        [ "$(job_field "$id" JobState)" = COMPLETED ]
    done
    # seq, omp 2, mpi 2
    [ "$(find "$C" -name 'jacobi1d_*.h5' | wc -l)" -eq 3 ]
    run parity verify "$C"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"verify: 3 run(s): 1 reference, 2 bitwise, 0 within tolerance, 0 MISMATCH"* ]]
    want=$(sha256sum "$PLUGIN" | cut -d' ' -f1)
    for f in $(find "$C" -name 'jacobi1d_*.h5'); do
        [ "$(h5dump -a /plugin_sha256 "$f" | sed -n 's/^ *(0): "\(.*\)"$/\1/p')" = "$want" ]
    done
}

@test "provenance: every result file records the job that made it" {
    for f in "$R"/good/*.h5; do
        id=$(h5dump -a /slurm_job_id "$f" | sed -n 's/.*(0): "\(.*\)".*/\1/p')
        echo "$(basename "$f"): slurm_job_id=$id"
        [ -n "$id" ]
        grep -qx "$id" "$R/good/slurm/jobs.txt"
        [ "$(job_field "$id" JobName)" != parity-analysis ]
    done
    # the ranks ran inside the 3-task job
    id=$(h5dump -a /slurm_job_id "$R"/good/pi_mpi_p3_t1_tiny_*.h5 | sed -n 's/.*(0): "\(.*\)".*/\1/p')
    [ "$(job_field "$id" NumTasks)" -eq 3 ]
}

@test "a job whose step fails is FAILED with the step's exit code and stops there" {
    id=$(head -1 "$R/bad/slurm/jobs.txt")
    echo "job $id: $(job_field "$id" JobState) $(job_field "$id" ExitCode)"
    [ "$(job_field "$id" JobState)" = FAILED ]
    [ "$(job_field "$id" ExitCode)" = 2:0 ]
    log=$(ls "$R"/bad/slurm/parity-N1n1c1-"$id".out)
    cat "$log"
    grep -q "step pi seq p=1 t=1 tiny FAILED (exit 2); stopping the job" "$log"
    run grep -q '^\[2/2\]' "$log"       # set -e: the next configuration never ran
    [ "$status" -eq 1 ]
    [ -z "$(find "$R/bad" -name '*.h5*')" ]
}

@test "the analysis job reports the missing configurations and fails" {
    id=$(tail -1 "$R/bad/slurm/jobs.txt")
    [ "$(job_field "$id" JobName)" = parity-analysis ]
    [ "$(job_field "$id" JobState)" = FAILED ]
    log="$R/bad/slurm/parity-analysis-$id.out"
    cat "$log"
    grep -q "2 of 2 planned runs have no result file" "$log"
    grep -qx "  missing: pi seq p=1 t=1 tiny" "$log"
    grep -qx "  missing: pi omp p=1 t=1 tiny" "$log"
}

@test "--dry-run prints the sbatch commands and submits nothing; a complete campaign gets no run job" {
    queued=$(squeue -h | wc -l)
    run "$SUBMIT" --results "$R" --campaign new --kernels pi --sizes tiny --modes mpi --ranks 2 --dry-run
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$output" | grep -qE '^sbatch --parsable --job-name=parity-N1n2c1 --nodes=1 --ntasks=2 --cpus-per-task=1 .*/jobs/slurm/parity.sbatch --campaign .*/new --threads 1 pi:tiny:mpi:repro$'
    echo "$output" | grep -qE '^sbatch --parsable --job-name=parity-analysis --dependency=afterany:\$JOB1:\$JOB2 '
    [ ! -e "$R/new" ]
    [ "$(squeue -h | wc -l)" -eq "$queued" ]
    run "$SUBMIT" --plan "$R/good/plan.env" --results "$R" --campaign good --dry-run
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"6 run(s) already have a result file"* ]]
    [[ "$output" != *parity.sbatch* ]]
    echo "$output" | grep -q '^sbatch --parsable --job-name=parity-analysis .*analysis.sbatch'
}
