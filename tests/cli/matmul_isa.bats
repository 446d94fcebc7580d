#!/usr/bin/env bats
# matmul's micro-kernel is chosen from the target ISA (kernels/matmul/matmul.h):
# AVX-512 (8x24 tile), AVX2 (6x8) or portable C with fma().  Every element is
# the same fma chain in increasing k, so all three builds must give the same
# bits.  Checked here end to end: the default build, an AVX2 build
# (build-avx2, -O3 -march=x86-64-v3) and a portable one (build-x86, -O1
# -march=x86-64: no FMA hardware, glibc's fma) run matmul at sizes that hit
# every tile and k-block remainder, in seq, omp and mpi; the result digests
# must be equal and `parity verify` must call every run bitwise.

bats_require_minimum_version 1.5.0
load helpers

ROOT="$BATS_TEST_DIRNAME/../.."

# make BUILD=DIR CFLAGS=FLAGS, quietly, as its own make (not the caller's
# jobserver), with `make cross`'s conventions (gcc, no sanitizer).  Objects
# are reused between test runs.
build_variant() {
    local log="$BATS_FILE_TMPDIR/make-$1.log"
    (unset MAKEFLAGS MFLAGS MAKELEVEL
     make -C "$ROOT" -j2 --no-print-directory BUILD="$1" CC=gcc CFLAGS="$2" SANITIZE= \
         LDFLAGS= all) >"$log" 2>&1 || { tail -n 30 "$log"; return 1; }
}

setup_file() {
    load helpers
    export D="$BATS_FILE_TMPDIR/runs"
    grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && export HAVE_AVX2=1
    if [ -n "${HAVE_AVX2:-}" ]; then
        build_variant build-avx2 "-O3 -march=x86-64-v3 -g"
        export AVX2="$ROOT/build-avx2/parity"
    fi
    # the baseline build `make cross` makes (PARITY_X86), else the same here
    if [ -n "${PARITY_X86:-}" ] && [ -x "$PARITY_X86" ]; then export X86=$PARITY_X86
    else
        build_variant build-x86 "-O1 -march=x86-64 -g"
        export X86="$ROOT/build-x86/parity"
    fi
}

# The run's /result/digest.
digest() { h5dump -a /result/digest "$1" | sed -n 's/^ *(0): *//p'; }

# BIN NAME ARGS...: one run into $D/NAME.h5
run_into() {
    local bin=$1 name=$2
    shift 2
    "$bin" run matmul --reps 1 --warmup 0 --quiet --out "$D/$name.h5" "$@"
}

@test "each build says which micro-kernel it chose" {
    # the default build's ISA is what its -march flags make the compiler define
    run_into "$PARITY" flags --size tiny
    march=$(h5dump -a /cflags "$D/flags.h5" | grep -oE -- '-m(arch|tune)=[^ "]+' | xargs)
    defs=$(cc $march -dM -E - </dev/null)
    if [[ "$defs" == *"__AVX512F__ 1"* ]]; then want='8x24 register tile (avx512 fma'
    elif [[ "$defs" == *"__AVX2__ 1"* && "$defs" == *"__FMA__ 1"* ]]; then
        want='6x8 register tile (avx2 fma'
    else want='4x8 register tile (portable fma'; fi
    echo "default build: $march -> $want"
    parity list | grep -qF "$want"
    rm "$D/flags.h5"
    "$X86" list | grep -q '4x8 register tile (portable fma in this build'
    [ -n "${HAVE_AVX2:-}" ] || skip "this CPU has no AVX2+FMA: no avx2 build"
    "$AVX2" list | grep -q '6x8 register tile (avx2 fma in this build'
}

@test "default, AVX2 and portable builds: same digest at every remainder, every mode" {
    # 64: tiny; 67 and 289: every tile remainder (rows % 8 and % 6, columns
    # % 24 and % 8 are 3 and 1); 289 also ends in a partial k block (256).
    for n in 64 67 289; do
        run_into "$PARITY" "0-native-seq-$n" --n "$n"
        run_into "$PARITY" "0-native-omp3-$n" --n "$n" --mode omp --threads 3
        run_into "$X86" "2-x86-seq-$n" --n "$n"
        ref=$(digest "$D/0-native-seq-$n.h5")
        [ -n "$ref" ]
        for f in 0-native-omp3 2-x86-seq; do
            echo "n=$n $f: $(digest "$D/$f-$n.h5") vs $ref"
            [ "$(digest "$D/$f-$n.h5")" = "$ref" ]
        done
        if [ -n "${HAVE_AVX2:-}" ]; then
            run_into "$AVX2" "1-avx2-seq-$n" --n "$n"
            run_into "$AVX2" "1-avx2-omp2-$n" --n "$n" --mode omp --threads 2
            for f in 1-avx2-seq 1-avx2-omp2; do
                echo "n=$n $f: $(digest "$D/$f-$n.h5") vs $ref"
                [ "$(digest "$D/$f-$n.h5")" = "$ref" ]
            done
        fi
    done
    # the files really come from different builds
    h5dump -a /cflags "$D/2-x86-seq-67.h5" | grep -qE -- '-march=x86-64([^-]|$)'
    # verify: one reference per problem (the default build's seq run sorts
    # first), every other run bitwise
    run parity verify "$D"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -cE ' reference ')" -eq 3 ]
    runs=$(find "$D" -name '*.h5' | wc -l)
    [ "$(echo "$output" | grep -cE ' bitwise ')" -eq $((runs - 3)) ]
}

@test "AVX2 build under MPI (2 ranks, and hybrid) matches the default build's seq bits" {
    [ -n "${HAVE_AVX2:-}" ] || skip "this CPU has no AVX2+FMA: no avx2 build"
    M="$BATS_TEST_TMPDIR/m"
    mkdir -p "$M"
    "$PARITY" run matmul --n 67 --reps 1 --warmup 0 --quiet --out "$M/0-seq.h5"
    mpirun --oversubscribe -np 2 "$AVX2" run matmul --n 67 --mode mpi --reps 1 --warmup 0 \
        --quiet --out "$M/1-mpi.h5"
    mpirun --oversubscribe -np 3 "$AVX2" run matmul --n 67 --mode mpi --threads 2 --reps 1 \
        --warmup 0 --quiet --out "$M/1-hybrid.h5"
    [ "$(digest "$M/1-mpi.h5")" = "$(digest "$M/0-seq.h5")" ]
    [ "$(digest "$M/1-hybrid.h5")" = "$(digest "$M/0-seq.h5")" ]
    run parity verify "$M"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -cE '^  mpi .* bitwise')" -eq 2 ]
}
