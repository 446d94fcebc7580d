#!/usr/bin/env bash
# The workstation scaling sweep: for each kernel and size the seq baseline,
# OpenMP thread counts, MPI rank counts (mpirun) and MPI x OpenMP shapes,
# one result file per run, into the campaign folder RESULTS/CAMPAIGN/ with
# the resolved plan (plan.env); then `parity verify` (and `parity report`
# where parity has it) on the campaign.
#
#   jobs/sweep.sh [plan options] [--campaign NAME] [--results DIR] [--dry-run]
#
# Defaults come from this machine (nproc): counts 1 2 4 ... up to the cores
# and one step past them.  Rerunning the same command resumes a half-finished
# campaign: runs with a readable result file are kept; unfinished (.tmp) and
# damaged ones are moved to CAMPAIGN/quarantine/ (with a .reason file, never
# deleted) and redone.  A result file that cannot be read *here* (no
# permission, a newer parity's schema or kernel, a missing HDF5 plugin) may be
# good: it is kept and the sweep stops before running anything.  Ctrl-C stops
# the running step and leaves no unfinished file behind.
#
# Exit status: 0 every run succeeded and verify found everything matching;
# 1 a run failed, verify did not pass, or a result file cannot be read here;
# 2 bad usage; 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
set -euo pipefail

PLAN_PROG=sweep
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/plan.sh
. "$here/lib/plan.sh"

usage() {
    awk 'NR > 1 && !/^#/ { exit } NR > 1 && !/^##?SBATCH|^## Site/' "$0" | sed 's/^# \{0,1\}//' | sed '/./,$!d'
    echo
    echo "options:"
    echo "  --campaign NAME     campaign folder name (default sweep), or a path with a /"
    echo "  --results DIR       where campaigns live (default results)"
    echo "  --dry-run           print the runs and their commands; run and write nothing"
    echo "  -h, --help          this text"
    echo
    plan_options_help
    echo
    echo "environment: PARITY (the parity binary; default build/parity, then PATH)"
}

campaign=sweep results=results dry_run=0
while [ $# -gt 0 ]; do
    if plan_option "$@"; then shift 2; continue; fi
    case "$1" in
        --campaign) campaign=${2:?--campaign needs a name}; shift 2 ;;
        --results) results=${2:?--results needs a folder}; shift 2 ;;
        --dry-run) dry_run=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) plan_die "unknown option $1 (see --help)" ;;
    esac
done

plan_find_parity
cores=$(nproc)
plan_resolve "$cores"
[ "$plan_nodes" = 1 ] || plan_die "--nodes is for Slurm (jobs/slurm/submit.sh); a workstation is one node"

case "$campaign" in */*) camp=$campaign ;; *) camp=$results/$campaign ;; esac
mapfile -t runs < <(plan_runs)
total=${#runs[@]}

# A campaign made by another plan is not silently mixed with this one.
plan_same_campaign "$camp"

# ---- how each run is launched: plan_launch (lib/plan.sh) -----------------

plan_mpirun_as_root

# ---- interruption ---------------------------------------------------------

child="" step_tmp=""
# Remove the unfinished file of the step this sweep was running, and only
# that one: another job writing into the same campaign keeps its .tmp (and a
# .tmp left from earlier is quarantined on resume, never deleted).
remove_unfinished() {
    local f
    [ -n "$step_tmp" ] || return 0
    for f in $step_tmp; do
        [ -e "$f" ] && rm -f -- "$f" && echo "sweep: removed unfinished $f"
    done
    return 0
}
# Every process this sweep starts carries PARITY_SWEEP_ID in its environment
# (mpirun passes it on to the ranks it starts), so on_signal finds the ranks
# even when a kill of the whole process group has already ended mpirun and
# left them orphaned (they lingered ~1 s after the sweep had exited).
export PARITY_SWEEP_ID="$$-$RANDOM$RANDOM"
# Fills `found` with the pids carrying this sweep's mark, except this shell;
# reads /proc with builtins only, so no helper process of ours is listed.
sweep_processes() {
    local f pid entry
    found=()
    for f in /proc/[0-9]*/environ; do
        pid=${f#/proc/}
        pid=${pid%/environ}
        [ "$pid" = "$$" ] && continue
        { mapfile -d '' -t entries <"$f"; } 2>/dev/null || continue
        for entry in "${entries[@]}"; do
            if [ "$entry" = "PARITY_SWEEP_ID=$PARITY_SWEEP_ID" ]; then found+=("$pid"); break; fi
        done
    done
}
# Stop the running step and everything it started (mpirun's ranks are not in
# its process group), wait until they are gone (TERM, then KILL after 5 s),
# remove what they left, and exit 128 + the signal's number.
on_signal() {
    local signo=$1 t=0
    trap '' INT TERM
    echo
    echo "sweep: interrupted"
    [ -n "$child" ] && echo "sweep: stopping the running step (pid $child)"
    sweep_processes
    while [ "${#found[@]}" -gt 0 ] && [ "$t" -lt 100 ]; do
        if [ "$t" -lt 50 ]; then kill -TERM "${found[@]}" 2>/dev/null || true
        else kill -KILL "${found[@]}" 2>/dev/null || true; fi
        sleep 0.1
        t=$((t + 1))
        sweep_processes
    done
    [ -n "$child" ] && { wait "$child" 2>/dev/null || true; }
    remove_unfinished
    echo "sweep: nothing unfinished is left; rerun the same command to resume"
    exit $((128 + signo))
}

# ---- the plan -------------------------------------------------------------

echo "sweep: campaign $camp, $total runs: kernels $plan_kernels; sizes $plan_sizes"
echo "sweep: $cores cores; threads $plan_threads; ranks $plan_ranks; hybrid ${plan_hybrid:-none}; reduce $plan_reduce; $plan_reps reps"
[ -n "$plan_args" ] && echo "sweep: every run also gets: $plan_args"
while IFS= read -r line; do
    [ -z "$line" ] || echo "sweep: ${line%%:*} does not provide mode${line#*:}: those runs are left out"
done < <(plan_unprovided)
if [ ${#mpirun_as_root[@]} -gt 0 ]; then
    echo "sweep: running as root: mpirun gets OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
fi

if [ "$dry_run" -eq 1 ]; then
    echo "sweep: dry run: nothing is run or written"
    plan_text | sed 's/^/  plan: /'
    i=0
    for run in "${runs[@]}"; do
        read -r -a f <<<"$run"
        i=$((i + 1))
        dir=$(run_dir "$camp" "${f[5]}" "${f[6]}")
        plan_launch "${f[@]:0:6}" "$dir"
        state="" rc=0
        run_done "$dir" "${f[@]:0:5}" || rc=$?
        [ "$rc" -eq 0 ] && state="  (done earlier)"
        [ "$rc" -eq 2 ] && state="  (cannot be read here: kept)"
        printf '[%d/%d] %s%s\n    %s\n' "$i" "$total" "$(run_label "${f[@]}")" "$state" "$(plan_quote "${cmd[@]}")"
        [ -n "$note" ] && echo "    ($note)"
    done
    exit 0
fi

mkdir -p "$camp"
[ -f "$camp/plan.env" ] || plan_write "$camp/plan.env" "jobs/sweep.sh on $(hostname) ($cores cores)"
log=$camp/sweep.log
trap 'on_signal 2' INT
trap 'on_signal 15' TERM

# What is done already.  Damaged and unfinished files go to quarantine/ and
# their runs are redone; a file that cannot be read here stops the sweep
# (redoing its run would hide a result that may be good).
todo=() kept=0
for run in "${runs[@]}"; do
    read -r -a f <<<"$run"
    dir=$(run_dir "$camp" "${f[5]}" "${f[6]}")
    rc=0
    run_done "$dir" "${f[@]:0:5}" clean || rc=$?
    case $rc in
        0) todo+=(0) ;;
        1) todo+=(1) ;;
        *) todo+=(0); kept=$((kept + 1)) ;;
    esac
done
if [ "$kept" -gt 0 ]; then
    trap - INT TERM
    echo "sweep: $kept run(s) have a result file that cannot be read here (kept, see above); nothing was run: fix the cause or move those files out of $camp, then rerun" >&2
    exit 1
fi
left=0
for x in "${todo[@]}"; do left=$((left + x)); done
if [ "$left" -lt "$total" ]; then
    echo "sweep: resuming: $((total - left)) of $total runs are done, $left to run"
fi
echo "sweep: output of every run goes to $log"

i=0 ran=0 failed=0 spent=0
for run in "${runs[@]}"; do
    read -r -a f <<<"$run"
    i=$((i + 1))
    label=$(run_label "${f[@]}")
    if [ "${todo[i - 1]}" -eq 0 ]; then
        printf '[%d/%d] %s … done earlier\n' "$i" "$total" "$label"
        continue
    fi
    dir=$(run_dir "$camp" "${f[5]}" "${f[6]}")
    mkdir -p "$dir"
    plan_launch "${f[@]:0:6}" "$dir"
    printf '[%d/%d] %s … ' "$i" "$total" "$label"
    echo "=== [$i/$total] $label: $(plan_quote "${cmd[@]}")" >>"$log"
    logged=$(wc -l <"$log")
    t0=$EPOCHREALTIME
    rc=0
    # In the background so that a signal reaches the trap at once.
    step_tmp=$(run_tmp_glob "$dir" "${f[0]}" "${f[2]}" "${f[3]}" "${f[4]}")
    "${cmd[@]}" >>"$log" 2>&1 </dev/null &
    child=$!
    wait "$child" || rc=$?
    child="" step_tmp=""
    dt=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
    ran=$((ran + 1))
    left=$((left - 1))
    spent=$(awk -v a="$spent" -v b="$dt" 'BEGIN { print a + b }')
    eta=$(awk -v s="$spent" -v n="$ran" -v l="$left" 'BEGIN { print s / n * l }')
    if [ "$rc" -eq 0 ]; then mark="✓"; else mark="✗ FAILED (exit $rc, see $log)"; failed=$((failed + 1)); fi
    printf '%s %s' "$(plan_seconds "$dt")" "$mark"
    [ -n "$note" ] && printf '  (%s)' "$note"
    [ "$left" -gt 0 ] && printf '  ~%s left' "$(plan_seconds "$eta")"
    echo
    if [ "$rc" -ne 0 ]; then tail -n +$((logged + 1)) "$log" | tail -n 5 | sed 's/^/    /'; fi
done
trap - INT TERM
echo "sweep: $ran run(s) in $(plan_seconds "$spent"), $failed failed; results in $camp/"
echo

status=0
plan_analyse "$camp" || status=$?
if [ "$failed" -gt 0 ]; then
    echo "sweep: $failed run(s) failed (their output is in $log)"
    [ "$status" -ne 0 ] || status=1
fi
exit "$status"
