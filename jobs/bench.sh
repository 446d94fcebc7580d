#!/usr/bin/env bash
# The benchmark job: in one run on one machine, measure each kernel against
# the limit that applies to it and write the ratios, each with its target and
# PASS or MISS (with the gap), into FOLDER/bench.md, next to the result file
# of every run it made (so `parity verify` and `parity report` work on it):
#   memory-bound (heat, cg)      GB/s vs the STREAM triad's, 1 thread and all
#                                cores (heat out of cache, n = 4096, 64 steps;
#                                cg small)                      target >= 0.8
#   heat --variant temporal      GB/s (counted as heat counts) vs triad's,
#                                1 thread, where parity has it  target >= 1.0
#   matmul blocked vs the best OpenBLAS on the machine: GFLOP/s at n = 2048,
#                                seq, omp and mpi on all cores  target >= 0.9
#                                (OPENBLAS_CORETYPE from the CPU's ISA:
#                                SkylakeX with AVX-512, Haswell with AVX2; the
#                                library as installed is measured too)
#   compute-bound (pi, ep, nbody, mandelbrot, matmul), small:
#                                OpenMP efficiency, all cores   target >= 0.9
#                                MPI efficiency, all cores      target >= 0.85
#   iowait, 16 threads           speedup over seq               target >= 14
#   --reduce repro vs fast       time cost, 1 thread and all cores (pi, ep,
#                                nbody, cg, triad)              target <= 3 %
#   OpenMP with 1 thread vs seq  time ratio per kernel and reduce setting
#                                                       target 1.0 +- 0.05
#   cross-build bits             every kernel, tiny, repro, run by each other
#                                build found (build-x86, build-clang from
#                                `make cross`; build-avx2): `parity verify`
#                                against this build           target bitwise
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

environment: PARITY (the parity binary; default build/parity, then PATH);
  OPENBLAS_CORETYPE, when set, is used for the blas runs instead of the one
  chosen from the CPU's ISA; PARITY_X86, PARITY_CLANG (other builds for the
  cross-build check; default build-x86/parity, build-clang/parity and
  build-avx2/parity next to the default build)
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
# What this parity has, with its variants and models: `parity list --format
# tsv` (never its prose, never kernel sources)
list_tsv=$("$PARITY" list --format tsv)
known=" $plan_known "
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
# 128 MiB; small's 2 x 32 MiB would half fit a 32 MiB L3), 64 steps (issue 8's
# figure for the temporal variant; about 1 s).  cg stays at small (its 13 MiB
# fit in L3): a solve whose 5 vectors are out of cache (n = 2048) takes ~30 s
# a repetition here; its line says the run is cache-resident.  triad's arrays
# are 256 MiB at small: keep the digest only.
declare -A KARGS=([triad]="--store digest" [heat]="--n 4096 --steps 64")
if [ "$quick" -eq 1 ]; then KARGS=([triad]="--store digest"); fi
EFF_KERNELS="pi ep nbody mandelbrot matmul"
REDUCE_KERNELS="pi ep nbody cg triad"
# omp with 1 thread must run seq's loop: every kernel, both reduce settings
# where the kernel has a reduction (the others: repro, fast would be the same)
OMP1_KERNELS="triad heat cg pi ep nbody mandelbrot matmul"
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
# A kernel's variants, one a line.
variants_of() { awk -F'\t' -v k="$1" '$1 == "variant" && $2 == k { print $3 }' <<<"$list_tsv"; }
have_temporal=0
if have heat && variants_of heat | grep -qx temporal; then have_temporal=1; fi

# The CPU's vector ISA decides the FMA peak and the OpenBLAS kernels to ask
# for: OpenBLAS 0.3.21 does not recognise Zen 5 and falls back to its AVX2
# (Haswell) kernels; its SkylakeX kernels run on any AVX-512F CPU.
# Peak per core per cycle (assumed): 2 FMA pipes x vector doubles x 2 flop:
# 32 with AVX-512 on full-width 512-bit units (Zen 5, Intel server cores),
# 16 with AVX2+FMA; a half-width AVX-512 part (Zen 4) also peaks at 16.
cpu_flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
if [[ " $cpu_flags " == *" avx512f "* ]]; then
    cpu_isa=AVX-512 blas_core=SkylakeX flop_cycle=32
elif [[ " $cpu_flags " == *" avx2 "* && " $cpu_flags " == *" fma "* ]]; then
    cpu_isa=AVX2 blas_core=Haswell flop_cycle=16
else
    cpu_isa="SSE2 (no AVX2+FMA)" blas_core="" flop_cycle=4
fi
# The second OpenBLAS measured: the caller's OPENBLAS_CORETYPE when it names
# another core, else the library's own detection; the faster one counts.
if [ -n "${OPENBLAS_CORETYPE:-}" ] && [ "$OPENBLAS_CORETYPE" != "$blas_core" ]; then
    blas_other="OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE (the caller's environment)"
    blas_other_env=""
else
    blas_other="as installed (its own core detection)"
    blas_other_env="-u OPENBLAS_CORETYPE"
fi
# What this build's matmul micro-kernel is: the help text of its blocked
# variant says (it is chosen at build time).
mm_kernel=$(awk -F'\t' '$1 == "variant" && $2 == "matmul" && $3 == "blocked" { print $5 }' <<<"$list_tsv" |
    grep -m1 -oE '[0-9]+x[0-9]+ register tile \([a-z0-9]+' | sed 's/ (/, /' || true)

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
# One line each: ID KERNEL SIZE MODE RANKS THREADS REDUCE [extra parity args];
# run_env[ID]: environment for it ("-u VAR" unsets).  The same measurement
# serves every line that needs it (the all-cores repro run is an efficiency
# point and the repro side of the reduce cost).

declare -A planned=() file=() med=() gbs=() gfl=() run_env=() run_sub=()
runs=()
add_run() { # ID KERNEL SIZE MODE RANKS THREADS REDUCE [ARGS...]
    [ -n "${planned[$1]:-}" ] && return 0
    planned[$1]=1
    runs+=("$*")
}
id_of() { echo "$1.$2.p$3.t$4.$5${6:+.$6}"; } # KERNEL MODE P T REDUCE [TAG]
# A kernel's standard run (its KARGS): the id, and adding it.
kid() { id_of "$1" "$2" "$3" "$4" "$5"; } # KERNEL MODE P T REDUCE
kadd() { # KERNEL MODE P T REDUCE
    # shellcheck disable=SC2086
    add_run "$(kid "$@")" "$1" "$size" "$2" "$3" "$4" "$5" ${KARGS[$1]:-}
}
has_reduction() { [[ " $REDUCE_KERNELS " == *" $1 "* ]]; }

C=$cores
# 1 thread and all cores (once, on a one-core machine)
TC_LIST="1"
if [ "$C" -gt 1 ]; then TC_LIST="1 $C"; fi
seq_or_omp() { if [ "$1" = 1 ]; then echo seq; else echo omp; fi; }
mem_id() { kid "$1" "$(seq_or_omp "$2")" 1 "$2" repro; } # KERNEL THREADS

# Runs that are compared are planned next to each other, so that they see
# the same machine (bandwidth and cores are shared with whatever else runs).
# memory-bound, and the triad reference, at 1 thread and all cores
if have triad; then
    for tc in $TC_LIST; do
        for k in triad $MEM_KERNELS; do
            have "$k" && kadd "$k" "$(seq_or_omp "$tc")" 1 "$tc" repro
        done
        if [ "$tc" = 1 ] && [ "$have_temporal" -eq 1 ]; then
            # shellcheck disable=SC2086
            add_run "$(id_of heat seq 1 1 repro temporal)" heat "$size" seq 1 1 repro \
                ${KARGS[heat]:-} --variant temporal
        fi
    done
fi
# matmul blocked vs OpenBLAS at n = mm_n: seq, omp and mpi on all cores;
# blas with the core type for this ISA ("blas") and as installed ("blasdef")
mm_blas_tags="blasdef"
[ -n "$blas_core" ] && mm_blas_tags="blas blasdef"
mm_modes="seq"
[ "$C" -gt 1 ] && mm_modes="seq omp mpi"
mm_id() { # MODE TAG
    case $1 in
        seq) id_of matmul seq 1 1 repro "$2$mm_n" ;;
        omp) id_of matmul omp 1 "$C" repro "$2$mm_n" ;;
        mpi) id_of matmul mpi "$C" 1 repro "$2$mm_n" ;;
    esac
}
if have matmul && [ "$blas_ok" -eq 1 ]; then
    for m in $mm_modes; do
        p=1 t=1
        [ "$m" = omp ] && t=$C
        [ "$m" = mpi ] && p=$C
        for v in blocked $mm_blas_tags; do
            id=$(mm_id "$m" "$v")
            add_run "$id" matmul "$size" "$m" "$p" "$t" repro --n "$mm_n" --variant "${v%def}"
            if [ "$v" = blas ] && [ -n "$blas_core" ]; then run_env[$id]="OPENBLAS_CORETYPE=$blas_core"; fi
            if [ "$v" = blasdef ] && [ -n "$blas_other_env" ]; then run_env[$id]=$blas_other_env; fi
            # Another core type sums in another order: its runs are verified
            # apart (against blocked's seq run), in their own folder.
            [ "$v" = blasdef ] && [ -n "$blas_core" ] && run_sub[$id]=openblas-other
        done
    done
fi
# omp with 1 thread vs seq, per reduce setting; then the reduce cost, 1 thread
# and all cores, repro next to fast
for k in $OMP1_KERNELS; do
    have "$k" || continue
    rlist=repro
    has_reduction "$k" && rlist="repro fast"
    for r in $rlist; do
        if [ "$k" = matmul ]; then
            # at the blas comparison's size (small's n = 2880 takes 4x as long)
            add_run "$(id_of matmul seq 1 1 "$r" "blocked$mm_n")" matmul "$size" seq 1 1 "$r" --n "$mm_n" --variant blocked
            add_run "$(id_of matmul omp 1 1 "$r" "blocked$mm_n")" matmul "$size" omp 1 1 "$r" --n "$mm_n" --variant blocked
        else
            kadd "$k" seq 1 1 "$r"
            kadd "$k" omp 1 1 "$r"
        fi
    done
    if has_reduction "$k" && [ "$C" -gt 1 ]; then
        kadd "$k" omp 1 "$C" repro
        kadd "$k" omp 1 "$C" fast
    fi
done
# compute-bound: seq, OpenMP and MPI on all cores
for k in $EFF_KERNELS; do
    have "$k" || continue
    kadd "$k" seq 1 1 repro
    kadd "$k" omp 1 "$C" repro
    kadd "$k" mpi "$C" 1 repro
done
# concurrency
if have iowait; then
    add_run "$(id_of iowait seq 1 1 repro)" iowait "$size" seq 1 1 repro
    add_run "$(id_of iowait omp 1 "$io_threads" repro)" iowait "$size" omp 1 "$io_threads" repro
fi
total=${#runs[@]}

# The other builds for the cross-build check: NAME=BINARY, those that exist.
root=$(cd "$here/.." && pwd)
cross_builds=()
for pair in "build-x86=${PARITY_X86:-$root/build-x86/parity}" \
            "build-clang=${PARITY_CLANG:-$root/build-clang/parity}" \
            "build-avx2=$root/build-avx2/parity"; do
    bin=${pair#*=}
    if [ -x "$bin" ] && [ "$(cd "$(dirname "$bin")" && pwd)" != "$(cd "$(dirname "$PARITY")" && pwd)" ]; then
        cross_builds+=("$pair")
    fi
done

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
    [ -n "${run_sub[$id]:-}" ] && dir=$camp/${run_sub[$id]}
    mkdir -p "$dir"
    plan_args="${f[*]:7}"
    plan_launch "$k" "$s" "$mode" "$p" "$t" "$r" "$dir"
    label="$(run_label "$k" "$s" "$mode" "$p" "$t" "$r" 1)${plan_args:+ $plan_args}"
    if [ -n "${run_env[$id]:-}" ]; then
        # shellcheck disable=SC2206
        cmd=(env ${run_env[$id]} "${cmd[@]}")
        label+=" (env ${run_env[$id]})"
    fi
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

# The cross-build check: every kernel at tiny, seq repro, by this build and
# by each other one, into cross/NAME/ (this build's files sort first there:
# 0-default/, so they are the references); verified per folder below.
xfolder() { echo "$camp/cross/$1"; }
declare -A cross_bad=() cross_n=() cross_fail=()
if [ ${#cross_builds[@]} -gt 0 ]; then
    xk=""
    for k in $known; do have "$k" && xk+=" $k"; done
    echo "bench: cross-build check: every kernel (tiny, repro) with this build and with ${#cross_builds[@]} other(s): ${cross_builds[*]%%=*}"
    for k in $xk; do
        for pair in "0-default=$PARITY" "${cross_builds[@]}"; do
            name=${pair%%=*} bin=${pair#*=}
            for x in "${cross_builds[@]}"; do
                xname=${x%%=*}
                # this build's run goes into every folder; another's into its own
                [ "$name" = 0-default ] || [ "$name" = "$xname" ] || continue
                d="$(xfolder "$xname")/$name"
                mkdir -p "$d"
                echo "=== cross $xname: $name $k tiny: $bin" >>"$log"
                if ! "$bin" run "$k" --size tiny --reps 1 --warmup 0 --quiet --outdir "$d" \
                     >>"$log" 2>&1 </dev/null; then
                    cross_fail[$xname]+=" $k($name)"
                fi
            done
        done
    done
fi
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

# The --NAME VALUE pairs of a kernel's parameters among ARGS (the rest, such
# as --store, are not the kernel's).
kernel_param_args() { # KERNEL ARGS...
    local k=$1 params out=() a
    shift
    params=" $(awk -F'\t' -v k="$k" '$1 == "param" && $2 == k { print $3 }' <<<"$list_tsv" | xargs) "
    while [ $# -gt 0 ]; do
        a=${1#--}
        if [[ "$1" == --* && "$params" == *" $a "* && $# -ge 2 ]]; then out+=("$1" "$2"); shift 2
        else shift; fi
    done
    echo "${out[*]}"
}
# A kernel's models at SIZE with the parameters of ARGS: the tsv preset
# record's fields "MEMORY_BYTES BYTES FLOPS PARAMS" (custom when ARGS set any).
model_of() { # KERNEL SIZE ARGS...
    local k=$1 s=$2 pargs
    shift 2
    pargs=$(kernel_param_args "$k" "$@")
    if [ -n "$pargs" ]; then
        # the preset's values, then the hand-set ones
        # shellcheck disable=SC2046,SC2086
        "$PARITY" list --format tsv "$k" $(awk -F'\t' -v k="$k" -v s="$s" '$1 == "preset" && $2 == k && $3 == s {
            n = split($7, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); printf "--%s %s ", p[1], p[2] } }' <<<"$list_tsv") $pargs |
            awk -F'\t' '$1 == "preset" && $3 == "custom" { print $4, $5, $6, $7 }'
    else
        awk -F'\t' -v k="$k" -v s="$s" '$1 == "preset" && $2 == k && $3 == s { print $4, $5, $6, $7 }' <<<"$list_tsv"
    fi
}
# A kernel's bytes model at the bench's run, as one line.
bytes_model() {
    local m
    # shellcheck disable=SC2086
    m=$(model_of "$1" "$size" ${KARGS[$1]:-})
    [ -n "$m" ] || { echo "no model (parity list --format tsv $1)"; return; }
    echo "$m" | awk '{ p = $4; for (i = 5; i <= NF; i++) p = p " " $i
        printf "%.4g GB counted and %.4g GFLOP per repetition, %.4g MiB allocated per process (%s)",
            $2 / 1e9, $3 / 1e9, $1 / 1048576, p }'
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
# what one process allocates for the run's parameters (read from its file;
# the memory model of `parity list --format tsv`), and whether that is out
# of cache (>= 4x, STREAM's rule).
working_set() { # KERNEL FILE
    local k=$1 f=$2 p args=() m
    for p in $(awk -F'\t' -v k="$k" '$1 == "param" && $2 == k { print $3 }' <<<"$list_tsv"); do
        args+=("--$p" "$(h5attr "$f" "/run/$p")")
    done
    m=$("$PARITY" list --format tsv "$k" "${args[@]}" 2>/dev/null |
        awk -F'\t' '$1 == "preset" && $3 == "custom" { print $4 }')
    awk -v n="$(h5attr "$f" /run/n)" -v b="${m:-0}" -v c="$l3" 'BEGIN {
        if (b <= 0) { printf "(n=%d)", n; exit }
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
    echo "- vector ISA of the CPU: $cpu_isa (FMA peak assumed: $flop_cycle flop/cycle per core); this build's matmul micro-kernel: ${mm_kernel:-unknown}; OpenBLAS for the blas runs: ${blas_core:+OPENBLAS_CORETYPE=$blas_core (chosen from the ISA) and }$blas_other"
    echo "- timings on a shared machine are noisy: a ratio near its target can flip between PASS and MISS from one bench run to the next; the load averages above say how busy the machine was"
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
    echo "- bytes counted, from each kernel's bytes model as \`parity list --format tsv\` evaluates it for the bench's run (effective bytes: compulsory traffic, never the write-allocate read of a written line):"
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
# heat --variant temporal: several steps per pass through memory, its rate
# counted as heat's (16 B per point per step), so it can pass triad's
what="heat --variant temporal / triad GB/s, 1 thread"
if ! have heat; then skip_row "$what" "≥ 1.0" "$(why_absent heat)"
elif [ "$have_temporal" -ne 1 ]; then skip_row "$what" "≥ 1.0" "n/a: not built (this parity's heat has no temporal variant)"
elif ! have triad; then skip_row "$what" "≥ 1.0" "$(why_absent triad)"
else
    a=$(id_of heat seq 1 1 repro temporal) b=$(mem_id triad 1)
    if ! ok "$a" || ! ok "$b"; then skip_row "$what" "≥ 1.0" "$(fail_why)"
    else
        v=$(calc "${gbs[$a]} / ${gbs[$b]}")
        at_least "$what $(working_set heat "${file[$a]}")" "$v" 1.0 "$v ($(g3 "${gbs[$a]}") / $(g3 "${gbs[$b]}") GB/s)"
    fi
fi

# -- matmul vs OpenBLAS
{
    echo
    echo "## matmul blocked vs the best OpenBLAS dgemm, n = $mm_n"
    echo
    echo "OpenBLAS runs ${blas_core:+with OPENBLAS_CORETYPE=$blas_core (chosen from the ISA of the CPU, $cpu_isa) and }$blas_other; the faster is the reference.  One BLAS thread per row block, as blocked (the omp and mpi modes split rows)."
    echo
    echo "| what | measured | target | verdict | gap |"
    echo "|---|---|---|---|---|"
} >>"$md"
mm_note=""
for m in $mm_modes; do
    case $m in
        seq) where="seq, 1 thread" nc=1 ;;
        omp) where="omp, $C threads" nc=$C ;;
        mpi) where="mpi, $C ranks" nc=$C ;;
    esac
    what="matmul blocked / best blas GFLOP/s, $where"
    if ! have matmul; then skip_row "$what" "≥ 0.9" "$(why_absent matmul)"; continue; fi
    if [ "$blas_ok" -ne 1 ]; then skip_row "$what" "≥ 0.9" "$blas_why"; continue; fi
    a=$(mm_id "$m" blocked) best="" bestv=0 which="" others=""
    for v in $mm_blas_tags; do
        b=$(mm_id "$m" "$v")
        ok "$b" || continue
        label=$blas_core
        [ "$v" = blasdef ] && label=${OPENBLAS_CORETYPE:-as installed}
        [ "$v" = blasdef ] && [ -n "$blas_other_env" ] && label="as installed"
        others+="${others:+, }$label $(g3 "${gfl[$b]}")"
        if awk -v x="${gfl[$b]}" -v y="$bestv" 'BEGIN { exit !(x > y) }'; then
            best=$b bestv=${gfl[$b]} which=$label
        fi
    done
    if ! ok "$a" || [ -z "$best" ]; then skip_row "$what" "≥ 0.9" "$(fail_why)"; continue; fi
    v=$(calc "${gfl[$a]} / $bestv")
    at_least "$what" "$v" 0.9 "$v ($(g3 "${gfl[$a]}") / $(g3 "$bestv") GFLOP/s, best = $which; blas: $others)"
    mm_note+="; $where: blocked $(calc "${gfl[$a]} / $flop_cycle / $nc") GHz, best blas $(calc "$bestv / $flop_cycle / $nc") GHz"
done
if [ -n "$mm_note" ]; then
    mhz=$(awk -F': ' '/^cpu MHz/ { printf "%.0f", $2; exit }' /proc/cpuinfo)
    {
        echo
        echo "- what limits both: FMA issue.  Assumed peak: $flop_cycle flop/cycle per core ($cpu_isa: 2 fma pipes × $((flop_cycle / 4)) doubles × 2 flop).  The clock at which each rate would be that peak, per core${mm_note}.  /proc/cpuinfo says ${mhz:-?} MHz (nominal; cores boost above it).  Memory is no limit: O(n²) traffic against O(n³) flops, and both pack panels that stay in L1/L2."
        echo "- the bits: blocked computes every element as one fma chain in increasing k whatever the micro-kernel (${mm_kernel:-?} here), so it is bitwise equal across seq/omp/mpi and across AVX-512, AVX2 and portable builds; blas is judged within tolerance."
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

# -- repro vs fast, 1 thread and all cores
{
    echo
    echo "## Cost of --reduce repro over --reduce fast"
    echo
    echo "cost = T(repro) / T(fast) − 1, median repetitions, size $size (heat: n = 4096); 1 thread = seq"
    echo
    echo "| what | measured | target | verdict | gap |"
    echo "|---|---|---|---|---|"
} >>"$md"
for k in $REDUCE_KERNELS; do
    for tc in $TC_LIST; do
        m=$(seq_or_omp "$tc")
        what="$k repro cost, $m $(threads_word "$tc")"
        if ! have "$k"; then skip_row "$what" "≤ 3 %" "$(why_absent "$k")"; continue; fi
        a=$(kid "$k" "$m" 1 "$tc" repro) b=$(kid "$k" "$m" 1 "$tc" fast)
        if ! ok "$a" || ! ok "$b"; then skip_row "$what" "≤ 3 %" "$(fail_why)"; continue; fi
        v=$(calc "100 * (${med[$a]} / ${med[$b]} - 1)")
        at_most_pct "$what" "$v" 3 "$v % ($(g3 "${med[$a]}") s vs $(g3 "${med[$b]}") s)"
    done
done

# -- omp with 1 thread vs seq
{
    echo
    echo "## OpenMP with 1 thread vs seq: the same loop"
    echo
    echo "ratio = T(omp, 1 thread) / T(seq), median repetitions, size $size (heat: n = 4096; matmul: n = $mm_n); fast only where the kernel has a reduction"
    echo
    echo "| what | measured | target | verdict | gap |"
    echo "|---|---|---|---|---|"
} >>"$md"
for k in $OMP1_KERNELS; do
    rlist=repro
    has_reduction "$k" && rlist="repro fast"
    for r in $rlist; do
        what="$k omp 1 thread / seq, $r"
        if ! have "$k"; then skip_row "$what" "1.0 ± 0.05" "$(why_absent "$k")"; continue; fi
        if [ "$k" = matmul ]; then
            a=$(id_of matmul omp 1 1 "$r" "blocked$mm_n") b=$(id_of matmul seq 1 1 "$r" "blocked$mm_n")
        else
            a=$(kid "$k" omp 1 1 "$r") b=$(kid "$k" seq 1 1 "$r")
        fi
        if ! ok "$a" || ! ok "$b"; then skip_row "$what" "1.0 ± 0.05" "$(fail_why)"; continue; fi
        v=$(calc "${med[$a]} / ${med[$b]}")
        shown="$v ($(g3 "${med[$a]}") s vs $(g3 "${med[$b]}") s)"
        if awk -v v="$v" 'BEGIN { exit !(v >= 0.95 && v <= 1.05) }'; then
            row "$what" "$shown" "1.0 ± 0.05" PASS ""
        elif awk -v v="$v" 'BEGIN { exit !(v > 1) }'; then
            row "$what" "$shown" "1.0 ± 0.05" MISS "omp 1 thread $(calc "100 * ($v - 1)") % slower than seq"
        else
            row "$what" "$shown" "1.0 ± 0.05" MISS "omp 1 thread $(calc "100 * (1 - $v)") % faster than seq"
        fi
    done
done

# -- the cross-build check
{
    echo
    echo "## Bitwise across builds"
    echo
    echo "every kernel at tiny, seq, --reduce repro, by this build ($PARITY) and by each other build; \`parity verify\` on cross/NAME/ (this build's runs are the references there)"
    echo
    echo "| what | measured | target | verdict | gap |"
    echo "|---|---|---|---|---|"
} >>"$md"
# A build's compiler and optimisation/ISA flags, from one of its result files.
build_flags() { # FOLDER
    local f
    f=$(compgen -G "$1/*.h5" | head -1) || true
    [ -n "$f" ] || { echo "?"; return; }
    echo "$(h5attr "$f" /compiler | cut -d' ' -f1-3) $(h5attr "$f" /cflags | grep -oE -- '(^| )-(O[0-9s]|march=[^ ]+)' | xargs)"
}
for want in build-x86 build-clang build-avx2; do
    found=""
    for pair in "${cross_builds[@]}"; do [ "${pair%%=*}" = "$want" ] && found=${pair#*=}; done
    what="$want vs this build, every kernel, tiny, repro"
    if [ -z "$found" ]; then
        case $want in
            build-avx2) ;; # only where someone built it (tests/cli/matmul_isa.bats)
            *) skip_row "$what" bitwise "n/a: run make cross (no $want/parity)" ;;
        esac
        continue
    fi
    d=$(xfolder "$want")
    out=$("$PARITY" verify "$d" 2>&1) || true
    echo "$out" >"$d/verify.txt"
    nk=$(echo "$out" | awk '/^[^ ]/ && !/^verify:/' | wc -l)
    nbit=$(echo "$out" | grep -cE '^  seq .* bitwise' || true)
    # kernels with a run that is neither the reference nor bitwise
    bad=$(echo "$out" | awk '/^[^ ]/ && !/^verify:/ { k = $1 }
        /^  (seq|omp|mpi) / && !/ reference / && !/ bitwise / { print k }' | sort -u | xargs)
    what="$want ($(build_flags "$d/$want")) vs this build, tiny, repro"
    if [ -z "${cross_fail[$want]:-}" ] && [ -z "$bad" ] && [ "$nbit" -eq "$nk" ] && [ "$nk" -gt 0 ]; then
        row "$what" "$nbit of $nk kernels bitwise" bitwise PASS ""
    else
        gap=""
        [ -n "$bad" ] && gap+="not bitwise: $bad; "
        [ -n "${cross_fail[$want]:-}" ] && gap+="failed:${cross_fail[$want]}; "
        row "$what" "$nbit of $nk kernels bitwise" bitwise MISS "${gap}see cross/$want/verify.txt"
    fi
done

# ---- verify (and report) the folder ---------------------------------------------

status=0
vrc=0 vline2=""
# the bench's own runs (the cross-build folders are judged above)
main_files=() other_files=()
for id in "${!file[@]}"; do
    if [ -n "${run_sub[$id]:-}" ]; then other_files+=("${file[$id]}"); else main_files+=("${file[$id]}"); fi
done
if [ ${#main_files[@]} -gt 0 ]; then
    "$PARITY" verify "${main_files[@]}" >"$camp/verify.txt" 2>&1 || vrc=$?
else
    echo "verify: no result files" >"$camp/verify.txt"
    vrc=1
fi
# the second OpenBLAS (openblas-other/): against blocked's seq run, alone
ref_id=$(mm_id seq blocked)
if [ ${#other_files[@]} -gt 0 ] && ok "$ref_id"; then
    {
        echo
        echo "openblas-other/ ($blas_other), with blocked's seq run as the reference:"
        "$PARITY" verify "${file[$ref_id]}" "${other_files[@]}" 2>&1 || echo "verify exit $?"
    } >>"$camp/verify.txt"
    if grep -q '^verify exit' "$camp/verify.txt"; then vrc=1; fi
    vline2=$(grep '^verify:' "$camp/verify.txt" | tail -1 || true)
fi
vline=$(grep -m1 '^verify:' "$camp/verify.txt" || true)
{
    echo
    echo "## Results"
    echo
    echo "- every run's result file is in this folder (\`--reduce fast\` runs in reduce-fast/, the cross-build check's in cross/); \`parity verify\` on the bench's runs: ${vline:-failed, see verify.txt} (exit $vrc; verify.txt)"
    if [ -n "${vline2:-}" ]; then echo "- the second OpenBLAS's runs (openblas-other/, $blas_other) verified apart, against blocked's seq run: $vline2"; fi
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
