#!/usr/bin/env bash
# The benchmark job: in one run on one machine, measure each kernel against
# the limit that applies to it and write the ratios, each with its target and
# PASS or MISS (with the gap), into FOLDER/bench.md, next to the result file
# of every run it made (so `parity verify` and `parity report` work on it):
#   memory-bound (heat, cg)      GB/s vs the STREAM triad's, 1 thread and all
#                                cores (heat out of cache, n = 4096; cg small)
#                                                               target >= 0.8
#   matmul blocked vs OpenBLAS   GFLOP/s at n = 2048, 1 thread and all cores
#                                                               target >= 0.5
#   compute-bound (pi, ep, nbody, mandelbrot, matmul), small:
#                                OpenMP efficiency, all cores   target >= 0.9
#                                MPI efficiency, all cores      target >= 0.85
#   iowait, 16 threads           speedup over seq               target >= 14
#   --reduce repro vs fast       time cost, all cores (pi, ep, nbody, cg)
#                                                               target <= 5 %
# Kernels this parity does not have (`parity list --names`) are skipped, and
# their lines say so.  Every figure is the median repetition of a run
# (/timing/median_seconds, /metrics/gbytes_per_s, /metrics/gflops).
#
#   jobs/bench.sh [--reps R] [--quick] [--outdir DIR | --results DIR] [--skip LIST]
#
# Speed is measured here, never asserted by tests: a MISS does not fail the
# job.  Exit status: 0 every run succeeded and `parity verify` passed on the
# folder; 1 a run failed or verify did not pass; 2 bad usage; 130 interrupted.
set -euo pipefail

PLAN_PROG=bench
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/plan.sh
. "$here/lib/plan.sh"

usage() {
    awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'
    cat <<'EOF'

options:
  --reps R         timed repetitions per run (default 5; 1 warm-up each)
  --quick          tiny sizes (matmul n = 64): a smoke test of the job,
                   its figures mean nothing
  --outdir DIR     the folder for bench.md and the result files (must not
                   hold result files yet)
  --results DIR    or: make the folder DIR/bench-DATE (default results)
  --skip LIST      kernels to leave out (spaces or commas); their lines say SKIP
  -h, --help       this text

environment: PARITY (the parity binary; default build/parity, then PATH)
EOF
}

reps=5 quick=0 outdir="" results=results skip=""
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) reps=${2:-}; [ $# -ge 2 ] || plan_die "--reps needs a number"; shift 2 ;;
        --quick) quick=1; shift ;;
        --outdir) [ $# -ge 2 ] || plan_die "--outdir needs a folder"; outdir=$2; shift 2 ;;
        --results) [ $# -ge 2 ] || plan_die "--results needs a folder"; results=$2; shift 2 ;;
        --skip) [ $# -ge 2 ] || plan_die "--skip needs kernel names"; skip=$(echo "$2" | tr ',' ' '); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) plan_die "unknown option $1 (see --help)" ;;
    esac
done
plan_positive reps "$reps"
plan_reps=$reps plan_warmup=1 plan_args=""

plan_find_parity
command -v h5dump >/dev/null || plan_die "h5dump not found (Debian: hdf5-tools)"
cores=$(nproc)
plan_mpirun_as_root
known=" $("$PARITY" list --names | xargs) "
bench_kernels=" triad heat cg pi ep nbody mandelbrot matmul iowait "
for k in $skip; do
    [[ "$known$bench_kernels" == *" $k "* ]] || plan_die "--skip: unknown kernel '$k' (the bench's:$bench_kernels)"
done

# What is measured, and at which sizes.
size=small mm_n=2048 io_threads=16
[ "$quick" -eq 1 ] && size=tiny mm_n=64
MEM_KERNELS="heat cg"
# Memory-bound kernels run where their arrays are far larger than the last
# cache level, as STREAM asks of triad (>= 4x): heat at n = 4096 (2 grids of
# 128 MiB; small's 2 x 32 MiB would half fit a 32 MiB L3), with fewer steps
# for about 1 s.  cg stays at small (its 13 MiB fit in L3): a solve whose 5
# vectors are out of cache (n = 2048) takes ~30 s a repetition here; its
# line says the run is cache-resident.
declare -A MEM_ARGS=([heat]="--n 4096 --steps 60" [cg]="")
if [ "$quick" -eq 1 ]; then MEM_ARGS=([heat]="" [cg]=""); fi
EFF_KERNELS="pi ep nbody mandelbrot matmul"
REDUCE_KERNELS="pi ep nbody cg"
stamp=$(date +%Y%m%dT%H%M%S)
camp=${outdir:-$results/bench-$stamp}
if compgen -G "$camp/*.h5" >/dev/null || compgen -G "$camp/*/*.h5" >/dev/null; then
    plan_die "$camp already holds result files: choose another --outdir"
fi

# A kernel takes part when this parity has it and it is not --skip'ped;
# why_absent says why not.
have() { [[ "$known" == *" $1 "* ]] && [[ " $skip " != *" $1 "* ]]; }
why_absent() {
    if [[ "$known" != *" $1 "* ]]; then echo "$1 is not in this parity (parity list --names)"
    else echo "$1 left out (--skip)"; fi
}

# OpenBLAS is optional at build time: ask parity whether it has it.
blas_ok=0 blas_why=""
if have matmul; then
    tmp=$(mktemp -d)
    if blas_why=$("$PARITY" run matmul --variant blas --size tiny --reps 1 --warmup 0 \
                  --outdir "$tmp" --quiet 2>&1); then blas_ok=1; fi
    rm -rf "$tmp"
    blas_why=$(echo "$blas_why" | head -1 | sed 's/^parity: //')
fi

# ---- the runs ---------------------------------------------------------------
# One line each: ID KERNEL SIZE MODE RANKS THREADS REDUCE [extra parity args].
# The same measurement serves every line that needs it (the all-cores repro
# run is both an efficiency point and the repro side of the reduce cost).

declare -A planned=() file=() med=() gbs=() gfl=()
runs=()
add_run() { # ID KERNEL SIZE MODE RANKS THREADS REDUCE [ARGS...]
    [ -n "${planned[$1]:-}" ] && return 0
    planned[$1]=1
    runs+=("$*")
}
id_of() { echo "$1.$2.p$3.t$4.$5${6:+.$6}"; } # KERNEL MODE P T REDUCE [TAG]

C=$cores
# 1 thread and all cores (once, on a one-core machine)
TC_LIST="1"
if [ "$C" -gt 1 ]; then TC_LIST="1 $C"; fi
# memory-bound, and the triad reference, at 1 thread and all cores; the
# kernels right after triad at the same thread count, so that they see the
# same machine (memory bandwidth is shared with whatever else runs)
mem_id() { # KERNEL THREADS
    local m=omp tag=""
    [ "$2" = 1 ] && m=seq
    [ -n "${MEM_ARGS[$1]:-}" ] && tag=mem
    id_of "$1" "$m" 1 "$2" repro "$tag"
}
if have triad; then
    for tc in $TC_LIST; do
        for k in triad $MEM_KERNELS; do
            have "$k" || continue
            m=omp
            [ "$tc" = 1 ] && m=seq
            # triad's arrays are 256 MiB at small: keep the digest only
            args=${MEM_ARGS[$k]:-}
            [ "$k" = triad ] && args="--store digest"
            # shellcheck disable=SC2086
            add_run "$(mem_id "$k" "$tc")" "$k" "$size" "$m" 1 "$tc" repro $args
        done
    done
fi
# matmul blocked vs OpenBLAS at n = mm_n
if have matmul && [ "$blas_ok" -eq 1 ]; then
    for v in blocked blas; do
        add_run "$(id_of matmul seq 1 1 repro "$v$mm_n")" matmul "$size" seq 1 1 repro --n "$mm_n" --variant "$v"
        add_run "$(id_of matmul omp 1 "$C" repro "$v$mm_n")" matmul "$size" omp 1 "$C" repro --n "$mm_n" --variant "$v"
    done
fi
# compute-bound: seq, OpenMP and MPI on all cores
for k in $EFF_KERNELS; do
    have "$k" || continue
    add_run "$(id_of "$k" seq 1 1 repro)" "$k" "$size" seq 1 1 repro
    add_run "$(id_of "$k" omp 1 "$C" repro)" "$k" "$size" omp 1 "$C" repro
    add_run "$(id_of "$k" mpi "$C" 1 repro)" "$k" "$size" mpi "$C" 1 repro
done
# concurrency
if have iowait; then
    add_run "$(id_of iowait seq 1 1 repro)" iowait "$size" seq 1 1 repro
    add_run "$(id_of iowait omp 1 "$io_threads" repro)" iowait "$size" omp 1 "$io_threads" repro
fi
# repro vs fast on all cores
for k in $REDUCE_KERNELS; do
    have "$k" || continue
    add_run "$(id_of "$k" omp 1 "$C" repro)" "$k" "$size" omp 1 "$C" repro
    add_run "$(id_of "$k" omp 1 "$C" fast)" "$k" "$size" omp 1 "$C" fast
done
total=${#runs[@]}

# ---- running them -------------------------------------------------------------

h5attr() { h5dump -a "$2" "$1" 2>/dev/null | sed -n 's/^ *(0): *//p' | head -1; }
load1() { cut -d' ' -f1 /proc/loadavg; }

child=""
on_signal() {
    trap '' INT TERM
    echo
    echo "bench: interrupted"
    if [ -n "$child" ]; then
        kill -TERM "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    find "$camp" -name '*.h5.tmp' -delete 2>/dev/null || true
    exit 130
}

mkdir -p "$camp"
log=$camp/bench.log
: >"$log"
absent=""
for k in triad $MEM_KERNELS $EFF_KERNELS iowait; do have "$k" || absent+=" $k"; done
absent=$(echo "$absent" | tr ' ' '\n' | awk 'NF && !seen[$0]++' | xargs)
echo "bench: $camp: $total runs on $(hostname) ($cores cores), size $size, $reps reps each"
if [ -n "$absent" ]; then echo "bench: skipped (their lines say SKIP): $absent"; fi
if [ "$blas_ok" -ne 1 ] && have matmul; then echo "bench: matmul --variant blas unavailable: $blas_why"; fi
if [ ${#mpirun_as_root[@]} -gt 0 ]; then
    echo "bench: running as root: mpirun gets OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
fi
echo "bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg); output of every run goes to $log"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
loads=()
trap on_signal INT TERM

i=0 failed=0 t_all=$EPOCHREALTIME
for run in "${runs[@]}"; do
    read -r -a f <<<"$run"
    id=${f[0]} k=${f[1]} s=${f[2]} mode=${f[3]} p=${f[4]} t=${f[5]} r=${f[6]}
    i=$((i + 1))
    dir=$(run_dir "$camp" "$r" 1)
    mkdir -p "$dir"
    plan_args="${f[*]:7}"
    plan_launch "$k" "$s" "$mode" "$p" "$t" "$r" "$dir"
    label="$(run_label "$k" "$s" "$mode" "$p" "$t" "$r" 1)${plan_args:+ $plan_args}"
    before=$(compgen -G "$dir/*.h5" | sort || true)
    l=$(load1)
    loads+=("$l")
    printf '[%d/%d] %s … ' "$i" "$total" "$label"
    echo "=== [$i/$total] $label (load $l): $(plan_quote "${cmd[@]}")" >>"$log"
    t0=$EPOCHREALTIME rc=0
    "${cmd[@]}" >>"$log" 2>&1 </dev/null &
    child=$!
    wait "$child" || rc=$?
    child=""
    dt=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
    new=$(comm -13 <(echo "$before") <(compgen -G "$dir/*.h5" | sort || true) | head -1)
    if [ "$rc" -eq 0 ] && [ -n "$new" ]; then
        file[$id]=$new
        med[$id]=$(h5attr "$new" /timing/median_seconds)
        gbs[$id]=$(h5attr "$new" /metrics/gbytes_per_s)
        gfl[$id]=$(h5attr "$new" /metrics/gflops)
        printf '%s ✓  (median %s s)\n' "$(plan_seconds "$dt")" "${med[$id]}"
    else
        failed=$((failed + 1))
        printf '%s ✗ FAILED (exit %s, see %s)\n' "$(plan_seconds "$dt")" "$rc" "$log"
    fi
done
trap - INT TERM
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: $total run(s) in $(plan_seconds "$(awk -v a="$t_all" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"), $failed failed; load average after: $load_after"

# ---- the report ---------------------------------------------------------------

md=$camp/bench.md
ok() { [ -n "${med[$1]:-}" ]; }
calc() { awk "BEGIN { printf \"%.4g\", $* }"; }
# 3 significant digits for the figures shown (the ratios keep 4)
g3() { awk -v x="$1" 'BEGIN { printf "%.3g", x }'; }
threads_word() { if [ "$1" = 1 ]; then echo "1 thread"; else echo "$1 threads"; fi; }

# Table rows: | what | measured | target | verdict | gap |
row() { printf '| %s | %s | %s | %s | %s |\n' "$@" >>"$md"; }
# at least: WHAT VALUE TARGET SHOWN_VALUE (value >= target passes)
at_least() {
    local what=$1 v=$2 target=$3 shown=$4
    if awk -v v="$v" -v t="$target" 'BEGIN { exit !(v >= t) }'; then
        row "$what" "$shown" "≥ $target" PASS ""
    else
        row "$what" "$shown" "≥ $target" MISS "$(calc "$target - $v") below ($(calc "100 * ($target - $v) / $target") % short)"
    fi
}
# at most: the cost form, in per cent
at_most_pct() {
    local what=$1 v=$2 target=$3 shown=$4
    if awk -v v="$v" -v t="$target" 'BEGIN { exit !(v <= t) }'; then
        row "$what" "$shown" "≤ $target %" PASS ""
    else
        row "$what" "$shown" "≤ $target %" MISS "$(calc "$v - $target") points over"
    fi
}
skip_row() { row "$1" "—" "$2" SKIP "$3"; }
fail_why() { echo "run failed (see bench.log)"; }

# The comment above a kernel's bytes model in its source, as one line.
bytes_model() {
    local src
    src=$(cd "$here/.." && pwd)/kernels/$1/$1.c
    [ -r "$src" ] || { echo "see the kernel's source (kernels/$1/$1.c)"; return; }
    awk -v fn="$1_bytes" '
        /\/\*/ { c = ""; inc = 1 }
        inc { line = $0; sub(/^ *\/?\*+ ?/, "", line); sub(/ *\*\/ *$/, "", line); c = c " " line }
        /\*\// { inc = 0 }
        $0 ~ "^static double " fn "\\(" { print c; exit }' "$src" | sed 's/^ *//; s/  */ /g'
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
# The last cache level's size in bytes (sysfs), 0 if unknown.
l3=0
for f in /sys/devices/system/cpu/cpu0/cache/index*/size; do
    [ -r "$f" ] || continue
    l3=$(awk -v s="$(cat "$f")" -v prev="$l3" 'BEGIN {
        v = s + 0; if (s ~ /K$/) v *= 1024; else if (s ~ /M$/) v *= 1048576
        print (v > prev ? v : prev) }')
done
# "(n=4096: 256 MiB, 8x the 32 MiB L3)" for a run of a memory-bound kernel:
# the arrays its bytes model streams (triad 3 n, heat 2 (n+2)^2, cg 5 n^2
# doubles), and whether that is out of cache (>= 4x, STREAM's rule).
working_set() { # KERNEL FILE
    awk -v k="$1" -v n="$(h5attr "$2" /run/n)" -v c="$l3" 'BEGIN {
        if (k == "triad") b = 24 * n; else if (k == "heat") b = 16 * (n + 2) * (n + 2)
        else if (k == "cg") b = 40 * n * n; else { printf "(n=%d)", n; exit }
        if (c <= 0) { printf "(n=%d: %.3g MiB)", n, b / 1048576; exit }
        r = b / c
        note = r >= 4 ? "" : (r >= 1 ? ": partly served from cache" : ": runs from cache, not a DRAM figure")
        printf "(n=%d: %.3g MiB, %.2g× the %.0f MiB last-level cache%s)", n, b / 1048576, r, c / 1048576, note }'
}
{
    echo "# parity benchmark: $(hostname), $stamp"
    echo
    echo "- machine: $cpu, $cores cores online ($(uname -m)); $("$PARITY" --version 2>/dev/null | head -1)"
    echo "- command: \`jobs/bench.sh$([ "$quick" -eq 1 ] && echo " --quick") --reps $reps\`; size \`$size\`; $reps timed repetitions after 1 warm-up per run; every figure is a run's median repetition"
    echo "- load average (1, 5, 15 min) before: $load_before; after: $load_after; 1-min load at the start of each run: min $(printf '%s\n' "${loads[@]:-0}" | sort -g | head -1), max $(printf '%s\n' "${loads[@]:-0}" | sort -g | tail -1) (the runs share the machine with whatever else ran)"
    echo "- OpenMP runs: OMP_PLACES=cores OMP_PROC_BIND=close; MPI runs: mpirun -np $cores --bind-to core; all cores = $cores"
    if [ "$quick" -eq 1 ]; then echo "- **--quick: tiny sizes, a smoke test: the figures below mean nothing**"; fi
    echo "- verdicts: PASS meets the target, MISS does not (the gap says by how much), SKIP not measured (why)"
    echo
} >"$md"

# -- memory-bound vs triad
{
    echo "## Memory-bound kernels vs STREAM triad"
    echo
    if have triad; then
        for tc in $TC_LIST; do
            [ "$tc" = 1 ] && m=seq || m=omp
            id=$(mem_id triad "$tc")
            if ok "$id"; then echo "- triad, $(threads_word "$tc") $(working_set triad "${file[$id]}"): $(g3 "${gbs[$id]}") GB/s, the reference"; fi
        done
    fi
    echo "- bytes counted, from each kernel's bytes model (effective bytes: compulsory traffic, never the write-allocate read of a written line):"
    for k in triad $MEM_KERNELS; do
        if have "$k"; then echo "  - $k: $(bytes_model "$k")"; fi
    done
    echo "- so at the same true DRAM traffic a kernel counting 16 of 24 real bytes (heat) shows (16/24)/(24/32) = 0.89 of triad's counted GB/s"
    echo
    echo "| what | measured | target | verdict | gap |"
    echo "|---|---|---|---|---|"
} >>"$md"
for k in $MEM_KERNELS; do
    for tc in $TC_LIST; do
        what="$k / triad GB/s, $(threads_word "$tc")"
        if ! have triad; then skip_row "$what" "≥ 0.8" "$(why_absent triad)"; continue; fi
        if ! have "$k"; then skip_row "$what" "≥ 0.8" "$(why_absent "$k")"; continue; fi
        a=$(mem_id "$k" "$tc") b=$(mem_id triad "$tc")
        if ! ok "$a" || ! ok "$b"; then skip_row "$what" "≥ 0.8" "$(fail_why)"; continue; fi
        what="$what $(working_set "$k" "${file[$a]}")"
        v=$(calc "${gbs[$a]} / ${gbs[$b]}")
        at_least "$what" "$v" 0.8 "$v ($(g3 "${gbs[$a]}") / $(g3 "${gbs[$b]}") GB/s)"
    done
done

# -- matmul vs OpenBLAS
{
    echo
    echo "## matmul blocked vs OpenBLAS dgemm, n = $mm_n"
    echo
    echo "| what | measured | target | verdict | gap |"
    echo "|---|---|---|---|---|"
} >>"$md"
mm_note=""
for tc in $TC_LIST; do
    [ "$tc" = 1 ] && m=seq || m=omp
    what="matmul blocked GFLOP/s / blas GFLOP/s, $(threads_word "$tc")"
    if ! have matmul; then skip_row "$what" "≥ 0.5" "$(why_absent matmul)"; continue; fi
    if [ "$blas_ok" -ne 1 ]; then skip_row "$what" "≥ 0.5" "$blas_why"; continue; fi
    a=$(id_of matmul "$m" 1 "$tc" repro "blocked$mm_n") b=$(id_of matmul "$m" 1 "$tc" repro "blas$mm_n")
    if ! ok "$a" || ! ok "$b"; then skip_row "$what" "≥ 0.5" "$(fail_why)"; continue; fi
    v=$(calc "${gfl[$a]} / ${gfl[$b]}")
    at_least "$what" "$v" 0.5 "$v ($(g3 "${gfl[$a]}") / $(g3 "${gfl[$b]}") GFLOP/s)"
    mm_note+="; $(threads_word "$tc"): blocked $(calc "${gfl[$a]} / 16 / $tc") GHz, blas $(calc "${gfl[$b]} / 16 / $tc") GHz"
done
if [ -n "$mm_note" ]; then
    mhz=$(awk -F': ' '/^cpu MHz/ { printf "%.0f", $2; exit }' /proc/cpuinfo)
    {
        echo
        echo "- what limits both: FMA issue.  A core retires at most 16 flop/cycle with AVX2 (2 fma units × 4 doubles × 2 flop); the clock at which each rate would be that peak, per core${mm_note}.  /proc/cpuinfo says ${mhz:-?} MHz (nominal; cores boost above it).  Memory is no limit: O(n²) traffic against O(n³) flops, and both pack panels that stay in L1/L2."
    } >>"$md"
fi

# -- parallel efficiency
eff_section() { # TITLE MODE TARGET
    local title=$1 m=$2 target=$3 k what a b v sp
    {
        echo
        echo "## $title"
        echo
        echo "efficiency = T(seq) / ($C × T(all cores)), median repetitions, size $size"
        echo
        echo "| what | measured | target | verdict | gap |"
        echo "|---|---|---|---|---|"
    } >>"$md"
    for k in $EFF_KERNELS; do
        if [ "$m" = omp ]; then what="$k omp $C threads: efficiency"; b=$(id_of "$k" omp 1 "$C" repro)
        else what="$k mpi $C ranks: efficiency"; b=$(id_of "$k" mpi "$C" 1 repro); fi
        if ! have "$k"; then skip_row "$what" "≥ $target" "$(why_absent "$k")"; continue; fi
        a=$(id_of "$k" seq 1 1 repro)
        if ! ok "$a" || ! ok "$b"; then skip_row "$what" "≥ $target" "$(fail_why)"; continue; fi
        sp=$(calc "${med[$a]} / ${med[$b]}")
        v=$(calc "$sp / $C")
        at_least "$what" "$v" "$target" "$v (speedup $sp: $(g3 "${med[$a]}") s → $(g3 "${med[$b]}") s)"
    done
}
eff_section "Parallel efficiency, OpenMP, all cores" omp 0.9
eff_section "Parallel efficiency, MPI (mpirun -np $C), all cores" mpi 0.85

# -- concurrency
{
    echo
    echo "## Concurrency: iowait with $io_threads threads on $C cores"
    echo
    echo "| what | measured | target | verdict | gap |"
    echo "|---|---|---|---|---|"
} >>"$md"
what="iowait omp $io_threads threads: speedup over seq"
if ! have iowait; then skip_row "$what" "≥ 14" "$(why_absent iowait)"
else
    a=$(id_of iowait seq 1 1 repro) b=$(id_of iowait omp 1 "$io_threads" repro)
    if ! ok "$a" || ! ok "$b"; then skip_row "$what" "≥ 14" "$(fail_why)"
    else
        v=$(calc "${med[$a]} / ${med[$b]}")
        at_least "$what" "$v" 14 "$v ($(g3 "${med[$a]}") s → $(g3 "${med[$b]}") s)"
    fi
fi

# -- repro vs fast
{
    echo
    echo "## Cost of --reduce repro over --reduce fast, OpenMP, $C threads"
    echo
    echo "cost = T(repro) / T(fast) − 1, median repetitions, size $size"
    echo
    echo "| what | measured | target | verdict | gap |"
    echo "|---|---|---|---|---|"
} >>"$md"
for k in $REDUCE_KERNELS; do
    what="$k repro cost, omp $C threads"
    if ! have "$k"; then skip_row "$what" "≤ 5 %" "$(why_absent "$k")"; continue; fi
    a=$(id_of "$k" omp 1 "$C" repro) b=$(id_of "$k" omp 1 "$C" fast)
    if ! ok "$a" || ! ok "$b"; then skip_row "$what" "≤ 5 %" "$(fail_why)"; continue; fi
    v=$(calc "100 * (${med[$a]} / ${med[$b]} - 1)")
    at_most_pct "$what" "$v" 5 "$v % ($(g3 "${med[$a]}") s vs $(g3 "${med[$b]}") s)"
done

# ---- verify (and report) the folder ---------------------------------------------

status=0
vrc=0
"$PARITY" verify "$camp" >"$camp/verify.txt" 2>&1 || vrc=$?
vline=$(grep '^verify:' "$camp/verify.txt" | tail -1 || true)
{
    echo
    echo "## Results"
    echo
    echo "- every run's result file is in this folder (\`--reduce fast\` runs in reduce-fast/); \`parity verify\` on it: ${vline:-failed, see verify.txt} (exit $vrc; verify.txt)"
    if [ "$failed" -gt 0 ]; then echo "- $failed run(s) FAILED (their output is in bench.log); their lines say SKIP"; fi
} >>"$md"
[ "$vrc" -eq 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
if "$PARITY" report --help >/dev/null 2>&1; then
    "$PARITY" report "$camp" >>"$log" 2>&1 || echo "bench: parity report failed (see $log)"
fi

echo
cat "$md"
echo
pass=$(grep -c '| PASS |' "$md" || true) miss=$(grep -c '| MISS |' "$md" || true) nskip=$(grep -c '| SKIP |' "$md" || true)
echo "bench: $pass PASS, $miss MISS, $nskip SKIP; verify exit $vrc; written to $md"
exit "$status"
