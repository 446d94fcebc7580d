#!/usr/bin/env bats
# jobs/slurm/ on a real 3-node Slurm cluster (tests/slurm/cluster.sh --nodes 3:
# each node its own network + hostname namespace, ranks talk over TCP).
# A campaign with nodes="1 2 3" runs MPI and hybrid shapes whose ranks span
# the nodes: every result is bitwise equal to seq, each file's /placement
# names as many hosts as nodes were asked for, and the grids were written
# into one file by ranks on several hosts.  Then a node dies under a
# multi-node job: the job ends FAILED or NODE_FAIL in bounded time, the
# analysis names what is missing, and the same command, resubmitted once the
# node is back, completes the campaign without duplicates or .tmp files.
# A second submission of a queued campaign is refused.  Start is idempotent,
# refusals are one line, and stop leaves no process, namespace or link.

bats_require_minimum_version 1.5.0
load ../cli/helpers

CLUSTER="$BATS_TEST_DIRNAME/cluster.sh"
SUBMIT="$BATS_TEST_DIRNAME/../../jobs/slurm/submit.sh"

# Why this machine cannot run a multi-node cluster, if it cannot.
cannot_run() {
    [ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces, slurmd, munged)"; return; }
    local c
    for c in munged slurmctld slurmd sbatch srun squeue scontrol runuser h5dump ip nsenter unshare flock; do
        command -v "$c" >/dev/null || { echo "$c not installed (apt-get install slurm-wlm munge iproute2 util-linux)"; return; }
    done
    id munge >/dev/null 2>&1 || { echo "no munge user (apt-get install munge)"; return; }
    unshare --net --uts true 2>/dev/null || { echo "no network namespaces here (unshare --net --uts refused)"; return; }
    if ip link show parity-br0 >/dev/null 2>&1; then echo "another multi-node test cluster runs (bridge parity-br0)"; fi
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

job_field() { # ID FIELD: a field of `scontrol show job` (NumNodes "3-3" as 3)
    scontrol show job "$1" | tr ' ' '\n' | grep -F "$2=" | head -1 | cut -d= -f2- | sed 's/^\([0-9]*\)-\1$/\1/'
}

# distinct host names in a result file's /placement/host
hosts_of() {
    h5dump -d /placement/host "$1" | sed -n '/DATA {/,/}/p' | grep -o '"[^"]*"' | sort -u | wc -l
}

# The campaign across nodes: MPI 3 ranks and hybrid 3x2 on 1, 2 and 3 nodes.
SPAN=(--kernels heat --sizes tiny --modes "mpi hybrid" --ranks 3 --hybrid 3x2
      --nodes "1 2 3" --reps 1 --warmup 0)
# The campaign a node dies under: 3 ranks on 3 nodes, each waiting 12 x 0.5 s.
FAIL=(--campaign fail --kernels iowait --sizes tiny --modes mpi --ranks 3 --nodes 3
      --reps 1 --warmup 0 --args "--tasks 36 --wait-ms 500")

setup_file() {
    load ../cli/helpers
    export SKIP_REASON
    SKIP_REASON=$(cannot_run)
    [ -z "$SKIP_REASON" ] || return 0
    export PARITY_SLURM_DIR
    PARITY_SLURM_DIR=$(mktemp -d /tmp/parity-slurm-multi.XXXXXX)
    T0=$SECONDS
    # 8 CPUs per node (more than this machine has): the campaign's jobs all
    # run side by side instead of one after the other, and the test stays short
    "$CLUSTER" start --nodes 3 --cpus 8 >&3
    echo "# cluster start: $((SECONDS - T0)) s" >&3
    eval "$("$CLUSTER" env)"
    export SLURM_CONF
    export R="$BATS_FILE_TMPDIR/results"
    # Threads that spin in barriers starve each other on an oversubscribed
    # test machine; the jobs inherit this (sbatch --export=ALL).
    export OMP_WAIT_POLICY=passive
    T0=$SECONDS
    "$SUBMIT" --results "$R" --campaign span "${SPAN[@]}" >"$BATS_FILE_TMPDIR/span.out"
    # shellcheck disable=SC2046
    wait_jobs 100 $(cat "$R/span/slurm/jobs.txt") >&3
    echo "# 3-node campaign: $((SECONDS - T0)) s" >&3
}

teardown_file() {
    if [ -n "${PARITY_SLURM_DIR:-}" ]; then
        T0=$SECONDS
        "$CLUSTER" stop >&3 || true
        echo "# cluster stop: $((SECONDS - T0)) s" >&3
        rm -rf "$PARITY_SLURM_DIR"
    fi
    return 0
}

setup() {
    [ -z "$SKIP_REASON" ] || skip "SKIP: $SKIP_REASON"
}

@test "three nodes, each its own host: slurmd per namespace, srun -N3 prints three names" {
    run "$CLUSTER" status
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -cE '^node[1-3] idle')" -eq 3 ]
    run srun -N3 -n3 --mpi=none hostname
    echo "$output"
    [ "$(echo "$output" | sort -u | tr '\n' ' ')" = "node1 node2 node3 " ]
    # the addresses exist only inside the namespaces the script made
    [ "$(ip netns exec parity-node2 ip -4 -o addr show dev eth0 | awk '{ print $4 }')" = 10.77.0.12/24 ]
    [ "$(awk -F= '$1 == "PMIxCollFence" { print $2 }' "$PARITY_SLURM_DIR/mpi.conf")" = ring ]
}

@test "start is idempotent; other node counts, non-root and missing packages get one-line refusals" {
    run "$CLUSTER" start --nodes 3 --cpus 8
    [ "$status" -eq 0 ]
    [[ "$output" == "cluster: already running in $PARITY_SLURM_DIR (3 node(s))" ]]
    run --separate-stderr "$CLUSTER" start --nodes 2
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "cluster: already running in $PARITY_SLURM_DIR with 3 node(s), not 2: stop it first" ]]
    run --separate-stderr runuser -u nobody -- "$CLUSTER" start --nodes 3
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "cluster: needs root"* ]]
    # without /usr/sbin on PATH the Slurm and munge daemons are not found
    run --separate-stderr env PATH=/usr/bin:/bin "$CLUSTER" start --nodes 3
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "cluster: munged not found (apt-get install slurm-wlm munge)" ]]
}

@test "nodes=\"1 2 3\": one job per shape, --ntasks-per-node where the ranks divide, all COMPLETED" {
    out=$(cat "$BATS_FILE_TMPDIR/span.out")
    echo "$out"
    echo "$out" | grep -qE '^submit: job [0-9]+ +3 node\(s\) x 1 task\(s\)/node x 1 CPU\(s\) '
    echo "$out" | grep -qE '^submit: job [0-9]+ +3 node\(s\) x 1 task\(s\)/node x 2 CPU\(s\) '
    echo "$out" | grep -qE '^submit: job [0-9]+ +2 node\(s\) x 3 task\(s\) x 1 CPU\(s\) '
    all=$(scontrol -o show job)   # one line per job, one call
    for id in $(cat "$R/span/slurm/jobs.txt"); do
        line=$(grep "^JobId=$id " <<<"$all")
        echo "job $id: $(grep -o 'JobName=[^ ]*' <<<"$line") $(grep -o 'JobState=[^ ]*' <<<"$line")"
        grep -q ' JobState=COMPLETED ' <<<"$line"
    done
    id=$(grep -l 'nodes=3' "$R"/span/slurm/parity-N3n3c2-*.out | sed 's/.*-\([0-9]*\)\.out/\1/')
    [ "$(job_field "$id" NumNodes)" -eq 3 ]
    [ "$(job_field "$id" NumTasks)" -eq 3 ]
    [ "$(job_field "$id" CPUs/Task)" -eq 2 ]
}

@test "every result across nodes is bitwise equal to seq, and the analysis job says so" {
    C="$R/span"
    # seq + 2 shapes (mpi 3x1, hybrid 3x2) x 3 node counts
    [ "$(find "$C" -name '*.h5' | wc -l)" -eq 7 ]
    run parity verify "$C"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"7 run(s): 1 reference, 6 bitwise"* ]]
    analysis=$(ls "$C"/slurm/parity-analysis-*.out)
    grep -q "every planned run is done and every parallel result matches seq" "$analysis"
}

@test "/placement names as many distinct hosts as nodes were asked for" {
    for n in 1 2 3; do
        d="$R/span"
        [ "$n" -eq 1 ] || d="$R/span/nodes-$n"
        files=$(find "$d" -maxdepth 1 -name 'heat_mpi_*.h5')
        [ "$(echo "$files" | wc -l)" -eq 2 ]
        for f in $files; do
            echo "nodes=$n $(basename "$f"): $(hosts_of "$f") host(s)"
            [ "$(hosts_of "$f")" -eq "$n" ]
        done
    done
}

@test "the grid was written into one file by ranks on three hosts, each its own rows in place" {
    f=$(ls "$R"/span/nodes-3/heat_mpi_p3_t1_*.h5)
    [ "$(hosts_of "$f")" -eq 3 ]
    # the whole 64 x 64 grid is in the file (rows from every rank: each owns
    # a third), and its bits are seq's
    h5dump -H -d /result/grid "$f" | grep -q 'SIMPLE { ( 64, 64 ) / ( 64, 64 ) }'
    seq=$(ls "$R"/span/heat_seq_p1_t1_*.h5)
    run parity verify "$seq" "$f"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"1 reference, 1 bitwise"* ]]
}

@test "verify and report show nodes x ranks x threads" {
    run parity verify "$R/span"
    echo "$output"
    # columns: mode p t nodes reduce variant verdict
    echo "$output" | grep -qE '^  mode +p +t +nodes +reduce'
    echo "$output" | grep -qE '^  mpi +3 +2 +3 +repro +explicit +bitwise'
    echo "$output" | grep -qE '^  mpi +3 +1 +2 +repro +explicit +bitwise'
    echo "$output" | grep -qE '^  mpi +3 +1 +1 +repro +explicit +bitwise'
    run parity report "$R/span" --out "$BATS_TEST_TMPDIR/rep"
    echo "$output"
    [ "$status" -eq 0 ]
    cat "$BATS_TEST_TMPDIR/rep/report.md"
    grep -qE '^\| hybrid t=2 on 3 nodes +\| 3×2 ' "$BATS_TEST_TMPDIR/rep/report.md"
    grep -qE '^\| mpi on 2 nodes +\| 3×1 ' "$BATS_TEST_TMPDIR/rep/report.md"
    # efficiency is per core used, wherever the cores sit: speedup / (3 x 2)
    csv_row=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["nodes"] == 3 && $c["threads"] == 2 { print $c["speedup"], $c["efficiency"] }' \
        "$BATS_TEST_TMPDIR/rep/results.csv")
    echo "speedup efficiency: $csv_row"
    awk -v s="${csv_row% *}" -v e="${csv_row#* }" 'BEGIN { exit !(s > 0 && (e - s / 6) < 1e-5 && (s / 6 - e) < 1e-5) }'
}

@test "a node dies under a multi-node job: NODE_FAIL or FAILED in bounded time, then a clean resubmission" {
    T00=$SECONDS
    "$SUBMIT" --results "$R" "${FAIL[@]}"
    C="$R/fail"
    job=$(sed -n 2p "$C/slurm/jobs.txt")   # after the seq job, before the analysis
    [ "$(job_field "$job" NumNodes)" -eq 3 ]
    # kill node3 once the job's step runs (the batch script sits on node1)
    t=0
    until grep -q '^\[1/1\] iowait mpi p=3' "$C"/slurm/parity-N3n3c1-"$job".out 2>/dev/null; do
        t=$((t + 1)); [ "$t" -le 60 ] || { echo "the step never started"; return 1; }
        sleep 1
    done
    sleep 2
    [ "$(job_field "$job" JobState)" = RUNNING ]
    echo "# node failure: job $job step running $((SECONDS - T00)) s after submission" >&3
    "$CLUSTER" node-down 3
    T0=$SECONDS
    wait_jobs 120 "$job"
    state=$(job_field "$job" JobState)
    echo "# node failure: job $job $state $((SECONDS - T0)) s after node3 died" >&3
    [[ "$state" == NODE_FAIL || "$state" == FAILED ]]
    # the analysis job (afterany) names the missing configuration
    aid=$(tail -1 "$C/slurm/jobs.txt")
    wait_jobs 90 $(cat "$C/slurm/jobs.txt")
    [ "$(job_field "$aid" JobState)" = FAILED ]
    cat "$C/slurm/parity-analysis-$aid.out"
    grep -qx "  missing: iowait mpi p=3 t=1 tiny nodes=3" "$C/slurm/parity-analysis-$aid.out"
    echo "# node failure: analysis done $((SECONDS - T00)) s after submission" >&3
    # node back, the same command again: only what is missing runs
    "$CLUSTER" node-up 3
    echo "# node failure: node3 back $((SECONDS - T00)) s after submission" >&3
    run "$SUBMIT" --results "$R" "${FAIL[@]}"
    echo "$output"
    [ "$status" -eq 0 ]
    # shellcheck disable=SC2046
    wait_jobs 90 $(cat "$C/slurm/jobs.txt")
    aid=$(tail -1 "$C/slurm/jobs.txt")
    cat "$C/slurm/parity-analysis-$aid.out"
    [ "$(job_field "$aid" JobState)" = COMPLETED ]
    echo "# node failure: resubmission complete $((SECONDS - T00)) s after first submission" >&3
    grep -q "all 2 planned runs have a result file" "$C/slurm/parity-analysis-$aid.out"
    # no duplicate, nothing half-written
    [ "$(find "$C" -name 'iowait_mpi_p3_t1_*.h5' | wc -l)" -eq 1 ]
    [ "$(find "$C" -name 'iowait_seq_p1_t1_*.h5' | wc -l)" -eq 1 ]
    [ -z "$(find "$C" -name '*.tmp')" ]
    run parity verify "$C"
    [ "$status" -eq 0 ]
}

@test "a campaign submitted twice while its jobs are queued is refused; so is a concurrent submit" {
    # --hold keeps the first submission's jobs queued for as long as the test needs
    "$SUBMIT" --results "$R" --campaign twice --kernels pi --sizes tiny --modes omp --threads 1 \
        --reps 1 --warmup 0 --sbatch --hold
    C="$R/twice"
    first=$(cat "$C/slurm/jobs.txt")
    run --separate-stderr "$SUBMIT" --results "$R" --campaign twice --kernels pi --sizes tiny \
        --modes omp --threads 1 --reps 1 --warmup 0
    echo "$stderr"
    [ "$status" -eq 2 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == *"still has job(s) "*" queued or running from an earlier submission"* ]]
    [ "$(cat "$C/slurm/jobs.txt")" = "$first" ]
    # a submit holding the campaign's lock (as this shell does now): the next
    # one is refused at once
    exec {lock}>"$C/slurm/.submit.lock"
    flock -n "$lock"
    run --separate-stderr "$SUBMIT" --results "$R" --campaign twice --kernels pi --sizes tiny \
        --modes omp --threads 1 --reps 1 --warmup 0
    exec {lock}>&-
    echo "$stderr"
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"another submit.sh is submitting campaign $C right now"* ]]
    # the first submission's jobs are still the campaign's, untouched
    [ "$(cat "$C/slurm/jobs.txt")" = "$first" ]
    for id in $first; do [ "$(job_field "$id" JobState)" = PENDING ]; done
    # once they are gone, the campaign takes a new submission
    # shellcheck disable=SC2086
    scancel $first
    # shellcheck disable=SC2086
    wait_jobs 30 $first
    run "$SUBMIT" --results "$R" --campaign twice --kernels pi --sizes tiny --modes omp --threads 1 \
        --reps 1 --warmup 0 --sbatch --hold
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(cat "$C/slurm/jobs.txt")" != "$first" ]
    # shellcheck disable=SC2046
    scancel $(cat "$C/slurm/jobs.txt")
}

@test "stop leaves nothing behind: no daemon, namespace, veth or bridge" {
    pids=$(cat "$PARITY_SLURM_DIR"/run/*.pid "$PARITY_SLURM_DIR"/munge/munged.pid)
    run "$CLUSTER" stop
    echo "$output"
    [ "$status" -eq 0 ]
    for pid in $pids; do run ! kill -0 "$pid"; done
    [ -z "$(ip netns list | grep '^parity-node')" ]
    [ -z "$(ip -o link show | grep -E ': parity-(br0|v[0-9]+)[:@]')" ]
    run "$CLUSTER" status
    [ "$status" -eq 1 ]
}
