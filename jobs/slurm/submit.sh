#!/usr/bin/env bash
# Submit a sweep to Slurm: the same plan as jobs/sweep.sh, turned into one
# batch job per resource shape (nodes x tasks x cpus-per-task, running
# jobs/slurm/parity.sbatch with every configuration of that shape) and a
# final analysis job (jobs/slurm/analysis.sbatch, --dependency=afterany on
# all of them) that lists missing configurations and runs `parity verify`.
# Results land in RESULTS/CAMPAIGN/ (plan.env, result files, slurm/ logs),
# laid out as the workstation sweep lays them out.
#
#   jobs/slurm/submit.sh [plan options] [--campaign NAME] [--results DIR]
#                        [--sbatch 'OPTIONS'] [--dry-run]
#
# Defaults come from the cluster: counts 1 2 4 ... up to the CPUs of a node
# (sinfo) and one step past them; shapes past the CPUs are submitted with
# --overcommit.  Configurations that already have a result file in the
# campaign are not submitted again.
set -euo pipefail

PLAN_PROG=submit
here=$(cd "$(dirname "$0")" && pwd)
jobs=$(cd "$here/.." && pwd)
# shellcheck source=../lib/plan.sh
. "$jobs/lib/plan.sh"

usage() {
    awk 'NR > 1 && !/^#/ { exit } NR > 1 && !/^##?SBATCH|^## Site/' "$0" | sed 's/^# \{0,1\}//' | sed '/./,$!d'
    echo
    echo "options:"
    echo "  --campaign NAME     campaign folder name (default slurm), or a path with a /"
    echo "  --results DIR       where campaigns live (default results); it must be"
    echo "                      on a file system the compute nodes share"
    echo "  --partition P       sbatch --partition for every job"
    echo "  --time T            sbatch --time for every run job (default: the script's)"
    echo "  --sbatch 'OPTIONS'  more sbatch options for every job (e.g. --account=x)"
    echo "  --dry-run           print the sbatch commands; submit and write nothing"
    echo "  -h, --help          this text"
    echo
    plan_options_help
    echo
    echo "environment: PARITY (the parity binary the jobs run; default build/parity),"
    echo "SLURM_CONF and the usual SBATCH_* variables"
}

campaign=slurm results=results dry_run=0 partition="" extra=()
while [ $# -gt 0 ]; do
    if plan_option "$@"; then shift 2; continue; fi
    case "$1" in
        --campaign) campaign=${2:?--campaign needs a name}; shift 2 ;;
        --results) results=${2:?--results needs a folder}; shift 2 ;;
        --partition) partition=${2:?--partition needs a name}; extra+=(--partition="$partition"); shift 2 ;;
        --time) extra+=(--time="${2:?--time needs a limit}"); shift 2 ;;
        --sbatch) read -r -a more <<<"${2:?--sbatch needs options}"; extra+=("${more[@]}"); shift 2 ;;
        --dry-run) dry_run=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) plan_die "unknown option $1 (see --help)" ;;
    esac
done

plan_find_parity
# CPUs per node: the smallest node of the partition, as Slurm counts them.
cpus=$(sinfo -h -o %c ${partition:+--partition="$partition"} 2>/dev/null | tr -d '+' | sort -n | head -1 || true)
if ! [[ "$cpus" =~ ^[1-9][0-9]*$ ]]; then
    [ "$dry_run" -eq 1 ] || plan_die "sinfo does not answer: is SLURM_CONF set and the cluster up?"
    cpus=$(nproc)
    echo "submit: no answer from sinfo; dry run assumes $cpus CPUs per node (this machine)"
fi
plan_resolve "$cpus"

case "$campaign" in */*) camp=$campaign ;; *) camp=$results/$campaign ;; esac
camp=$(realpath -m "$camp")   # the jobs may start elsewhere
plan_same_campaign "$camp"

# One submission at a time per campaign, and none while an earlier one still
# has jobs queued or running: two would run (and write) the same
# configurations twice.  The lock is held until this script exits.
if [ "$dry_run" -eq 0 ]; then
    mkdir -p "$camp/slurm"
    exec {lock_fd}>"$camp/slurm/.submit.lock"
    flock -n "$lock_fd" || plan_die "another submit.sh is submitting campaign $camp right now"
    if [ -s "$camp/slurm/jobs.txt" ]; then
        active=$(squeue -h -o %i -j "$(paste -sd, "$camp/slurm/jobs.txt")" 2>/dev/null | xargs || true)
        [ -z "$active" ] || plan_die "campaign $camp still has job(s) $active queued or running from an earlier submission: wait for them (squeue -j ${active// /,}) or scancel them, then submit again"
    fi
fi

# Group the runs that still lack a result file by the job shape they need.
# A shape is "NODES TASKS CPUS_PER_TASK THREADS OVERCOMMIT TASKS_PER_NODE".
# Tasks spread evenly over the nodes (--ntasks-per-node where they divide,
# else Slurm's block distribution, at most ceil(TASKS/NODES) per node).
# Where the busiest node's tasks x threads fit its CPUs, a task gets one CPU
# per thread; past them the job takes whole nodes with --overcommit and the
# threads share the CPUs.
declare -A configs=()
shapes=()
total=0 done_before=0
while read -r k s mode p t r n; do
    total=$((total + 1))
    if run_done "$(run_dir "$camp" "$r" "$n")" "$k" "$s" "$mode" "$p" "$t"; then
        done_before=$((done_before + 1))
        continue
    fi
    per_node=$(((p + n - 1) / n))
    tpn=-
    [ $((p % n)) -eq 0 ] && [ "$n" -gt 1 ] && tpn=$per_node
    if [ $((per_node * t)) -le "$cpus" ]; then
        shape="$n $p $t $t 0 $tpn"
    else
        shape="$n $p $cpus $t 1 $tpn"
    fi
    [ -n "${configs[$shape]+set}" ] || shapes+=("$shape")
    configs[$shape]+=" $k:$s:$mode:$r"
done < <(plan_runs)

echo "submit: campaign $camp: $total planned runs in ${#shapes[@]} job shape(s), $cpus CPUs per node"
[ "$done_before" -eq 0 ] || echo "submit: $done_before run(s) already have a result file and are not submitted again"
if [ "$dry_run" -eq 0 ]; then
    [ -f "$camp/plan.env" ] || plan_write "$camp/plan.env" "jobs/slurm/submit.sh ($cpus CPUs per node)"
fi

# The jobs find parity and jobs/ through PARITY and PARITY_JOBS, set in
# sbatch's environment and sent with --export=ALL.  Not --export=ALL,PARITY=...:
# with variables listed there Slurm 22.05 took 4.3 s longer to launch every
# batch job on the test cluster (0.01 s this way).
export PARITY PARITY_JOBS=$jobs
exports=ALL
[ "$dry_run" -eq 0 ] || echo "submit: every job gets PARITY=$PARITY PARITY_JOBS=$jobs (sbatch --export=ALL)"
submitted=()
# Submit (or, in a dry run, print) one job; sets id.
sbatch_run() { # PLACEHOLDER SBATCH-ARGS...
    local name=$1
    shift
    if [ "$dry_run" -eq 1 ]; then
        echo "sbatch --parsable $(plan_quote "$@")"
        id="\$$name"
        return 0
    fi
    id=$(sbatch --parsable "$@" | cut -d';' -f1)
    [ -n "$id" ]
}
cancel_submitted() {
    if [ ${#submitted[@]} -gt 0 ]; then
        echo "submit: cancelling the jobs already submitted: ${submitted[*]}" >&2
        scancel "${submitted[@]}" || true
    fi
}

ids=() i=0
for shape in "${shapes[@]}"; do
    read -r n p c t over tpn <<<"$shape"
    i=$((i + 1))
    name=parity-N${n}n${p}c${c}
    [ "$t" -ne "$c" ] && name+=t$t
    args=(--job-name="$name" --nodes="$n" --ntasks="$p")
    [ "$tpn" != - ] && args+=(--ntasks-per-node="$tpn")
    args+=(--cpus-per-task="$c" --output="$camp/slurm/%x-%j.out" --export="$exports" "${extra[@]}")
    [ "$over" -eq 1 ] && args+=(--overcommit)
    # shellcheck disable=SC2206
    cfg=(${configs[$shape]})
    sbatch_run "JOB$i" "${args[@]}" "$here/parity.sbatch" --campaign "$camp" --threads "$t" "${cfg[@]}" ||
        { cancel_submitted; plan_die "sbatch refused the job for shape $name"; }
    submitted+=("$id")
    ids+=("$id")
    label="$n node(s) x $p task(s) x $c CPU(s)"
    [ "$tpn" != - ] && label="$n node(s) x $tpn task(s)/node x $c CPU(s)"
    [ "$over" -eq 1 ] && label+=" --overcommit"
    runs="${#cfg[@]} run(s)"
    [ "$t" -ne "$c" ] && runs+=", $t thread(s) per task"
    printf 'submit: job %-7s %-48s %s\n' "$id" "$label" "$runs"
done

dep=()
[ ${#ids[@]} -gt 0 ] && dep=(--dependency="afterany:$(IFS=:; echo "${ids[*]}")")
sbatch_run ANALYSIS --job-name=parity-analysis "${dep[@]}" \
        --output="$camp/slurm/%x-%j.out" --export="$exports" "${extra[@]}" \
        "$here/analysis.sbatch" "$camp" ||
    { cancel_submitted; plan_die "sbatch refused the analysis job"; }
aid=$id
submitted+=("$aid")
echo "submit: job $aid analysis (verify, missing configurations) after ${ids[*]:-nothing}"

if [ "$dry_run" -eq 1 ]; then
    echo "submit: dry run: nothing submitted"
    exit 0
fi
printf '%s\n' "${submitted[@]}" >"$camp/slurm/jobs.txt"
echo "submit: results in $camp/, job logs in $camp/slurm/, job ids in $camp/slurm/jobs.txt"
echo "submit: follow with: squeue -j $(IFS=,; echo "${submitted[*]}"); the analysis: $camp/slurm/parity-analysis-$aid.out"
