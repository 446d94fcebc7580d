#!/usr/bin/env bash
# The workstation demo behind `make run`: every kernel at --size small in
# every mode (seq, OpenMP within and past the core count, MPI, hybrid,
# --reduce fast), iowait with many threads (when it exists), the racy pi, and
# pi at growing sizes (a break-even size), into results/demo/; then
# `parity verify` and `parity report` on the lot (results/demo/report/).
#
#   jobs/demo.sh [--size SIZE] [--reps R] [--outdir DIR]
#
# It succeeds when every repro run is bitwise equal to seq, every fast run is
# within tolerance, and the racy run is caught (that MISMATCH is the point).
set -euo pipefail

PARITY=${PARITY:-$(cd "$(dirname "$0")/.." && pwd)/build/parity}
size=small reps=3 outdir=results/demo
while [ $# -gt 0 ]; do
    case "$1" in
        --size) size=$2; shift 2 ;;
        --reps) reps=$2; shift 2 ;;
        --outdir) outdir=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "demo.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

cores=$(nproc)
# Hybrid shape that fills the cores without oversubscribing them: an
# oversubscribed hybrid run spends most of its time in libgomp's spinning
# barriers (heat small 2x2 on 2 cores: 53 s instead of 3 s), which is a
# lesson for the sweep, not for a quick demo.
hybrid_threads=2
hybrid_ranks=$(( cores / 2 > 0 ? cores / 2 : 1 ))
mpirun_cmd=(mpirun --oversubscribe)
# Open MPI refuses root unless told; the demo is often run as root in
# containers, so say so instead of failing obscurely.
if [ "$(id -u)" -eq 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    echo "demo: running as root: allowing Open MPI to run as root for this demo"
fi
# Hybrid ranks need their threads free to use several cores.
hybrid_bind=(--bind-to none)

mkdir -p "$outdir"
rm -f "$outdir"/*.h5 "$outdir"/*.h5.tmp
rm -rf "$outdir/report"
common=(--size "$size" --reps "$reps" --outdir "$outdir" --quiet)

# Each entry: kernel mode ranks threads reduce|racy [extra run options].
plan=()
kernels=$("$PARITY" list --names)
for k in $kernels; do
    plan+=("$k seq 1 1 repro")
    plan+=("$k omp 1 $cores repro")
    plan+=("$k mpi $cores 1 repro")
    plan+=("$k mpi $hybrid_ranks $hybrid_threads repro")
    plan+=("$k omp 1 $cores fast")
done
# Past the core count, CPU-bound: kernels with one parallel region per
# repetition (a kernel with a barrier per time step, like heat, spends an
# oversubscribed run spinning in libgomp's barriers: minutes, not seconds).
for k in pi ep; do
    grep -qx "$k" <<<"$kernels" && plan+=("$k omp 1 $((2 * cores)) repro")
done
# Waiting work overlaps: far more threads than cores.
if grep -qx iowait <<<"$kernels"; then
    plan+=("iowait omp 1 $((8 * cores)) repro")
fi
plan+=("pi omp 1 $cores racy")
# Break-even: pi from tiny to large, where parallel overhead stops mattering.
for n in 1e3 1e4 1e5 1e6 1e7; do
    for shape in "seq 1 1" "omp 1 $cores" "mpi $cores 1"; do
        plan+=("pi $shape repro --n $n --reps 5")
    done
done

total=${#plan[@]} i=0 start=$SECONDS
for entry in "${plan[@]}"; do
    read -r k mode p t reduce extra <<<"$entry"
    i=$((i + 1))
    args=(run "$k" "${common[@]}")
    label="$k $mode p=$p t=$t ${extra:-$size}"
    if [ "$reduce" = racy ]; then
        args+=(--variant racy); label+=" racy"
    else
        args+=(--reduce "$reduce"); label+=" $reduce"
    fi
    [ "$mode" != seq ] && args+=(--mode "$mode" --threads "$t")
    [ -n "$extra" ] && read -ra more <<<"$extra" && args+=("${more[@]}")
    printf '[%d/%d] %-44s ' "$i" "$total" "$label"
    t0=$SECONDS
    rc=0
    if [ "$mode" = mpi ]; then
        bind=()
        [ "$t" -gt 1 ] && bind=("${hybrid_bind[@]}")
        "${mpirun_cmd[@]}" "${bind[@]}" -np "$p" "$PARITY" "${args[@]}" || rc=$?
    else
        "$PARITY" "${args[@]}" || rc=$?
    fi
    if [ $rc -eq 0 ]; then echo "$((SECONDS - t0)) s ok"
    elif [ "$reduce" = racy ] && [ $rc -eq 1 ]; then echo "$((SECONDS - t0)) s self-check failed (expected: racy)"
    else echo "FAILED (exit $rc)"; exit 1; fi
done
echo "demo: $total runs in $((SECONDS - start)) s, results in $outdir/"
echo

rc=0
"$PARITY" verify "$outdir" | tee "$outdir/verify.txt" || rc=$?
# Exactly what the demo expects: only racy runs may mismatch, and they must.
bad=$(awk '$1 ~ /^(seq|omp|mpi)$/ && /MISMATCH|NO BASELINE|FAILED/ && $5 != "racy"' "$outdir/verify.txt")
caught=$(awk '$1 ~ /^(seq|omp|mpi)$/ && $5 == "racy" && /MISMATCH/' "$outdir/verify.txt")
echo
if [ -n "$bad" ] || [ $rc -eq 2 ]; then
    echo "demo: FAILED: unexpected mismatches:"; echo "$bad"; exit 1
fi
if [ -z "$caught" ]; then
    echo "demo: FAILED: the racy run was not caught"; exit 1
fi
echo "demo: every repro run is bitwise equal to seq, fast runs are within tolerance,"
echo "      and verify caught the racy run (exit $rc from verify is that catch)."
echo
# The report: speedups with intervals, Amdahl, break-even, plots, and what
# this campaign shows.
"$PARITY" report "$outdir"
echo "demo: the report is $outdir/report/report.md"
