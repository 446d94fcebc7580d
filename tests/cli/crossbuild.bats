#!/usr/bin/env bats
# Bitwise across builds: every kernel's --reduce repro result from a gcc
# -O1 -march=x86-64 build (no AVX) and a clang -O3 -march=native build must be
# the default build's bits.  All runs go into one folder; `parity verify`
# judges each against the default build's seq run (its file sorts first).
# Shown able to fail: a one-ulp perturbation of a cross-build file is caught.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    load helpers
    : "${PARITY_X86:=$BATS_TEST_DIRNAME/../../build-x86/parity}"
    : "${PARITY_CLANG:=$BATS_TEST_DIRNAME/../../build-clang/parity}"
    export PARITY_X86 PARITY_CLANG
    export D="$BATS_FILE_TMPDIR/cross"
    # No binary, no test: `make test` builds them (`make cross`).
    [ -x "$PARITY_X86" ] && [ -x "$PARITY_CLANG" ] || return 0
    # The name's first field orders verify's choice of reference: 0-default
    # sorts before 1-x86 and 2-clang, so the default build's seq is it.
    local tag bin k
    for tag in 0-default 1-x86 2-clang; do
        case $tag in
            0-default) bin=$PARITY ;;
            1-x86) bin=$PARITY_X86 ;;
            2-clang) bin=$PARITY_CLANG ;;
        esac
        for k in $("$PARITY" list --names); do
            "$bin" run "$k" --size tiny --reduce repro --reps 1 --warmup 0 \
                --out "$D/$k-$tag-seq.h5" --quiet
            "$bin" run "$k" --size tiny --reduce repro --reps 1 --warmup 0 \
                --mode omp --threads 2 --out "$D/$k-$tag-omp2.h5" --quiet
            mpirun --oversubscribe -np 2 "$bin" run "$k" --size tiny --reduce repro \
                --reps 1 --warmup 0 --mode mpi --out "$D/$k-$tag-mpi2.h5" --quiet
        done
    done
}

@test "the cross binaries exist and are the builds they claim (gcc -march=x86-64 -O1, clang)" {
    [ -x "$PARITY_X86" ] || { echo "missing $PARITY_X86: run make cross" >&2; false; }
    [ -x "$PARITY_CLANG" ] || { echo "missing $PARITY_CLANG: run make cross" >&2; false; }
    run h5dump -a /compiler "$D/pi-1-x86-seq.h5"
    [[ "$output" == *'"gcc '* ]]
    run parity info "$D/pi-1-x86-seq.h5"
    [[ "$output" == *"-O1 -march=x86-64"* ]]
    run h5dump -a /compiler "$D/pi-2-clang-seq.h5"
    [[ "$output" == *'"clang '* ]]
    run parity info "$D/pi-2-clang-seq.h5"
    [[ "$output" == *"-O3 -march=native"* ]]
}

@test "every kernel, every build, seq / omp 2 threads / mpi 2 ranks: bitwise equal to the default build's seq" {
    nk=$("$PARITY" list --names | wc -w)
    [ "$nk" -ge 9 ]
    [ "$(ls "$D"/*.h5 | wc -l)" -eq $((nk * 9)) ]
    run parity verify "$D"
    echo "$output"
    [ "$status" -eq 0 ]
    # One reference per kernel, everything else bitwise: nothing within
    # tolerance, nothing without a baseline.
    [[ "$output" == *"verify: $((nk * 9)) run(s): $nk reference, $((nk * 9 - nk)) bitwise, 0 within tolerance, 0 MISMATCH, 0 without baseline"* ]]
}

@test "the reference of every kernel is the default build's seq run" {
    for k in $("$PARITY" list --names); do
        # verify prints the reference first in each problem's table; the
        # path sort puts 0-default first, and a different first file would
        # make the previous test compare against the wrong build.
        first=$(ls "$D/$k"-*-seq.h5 | sort | head -1)
        [ "$first" = "$D/$k-0-default-seq.h5" ]
    done
}

@test "the check can fail: a cross-build result one ulp off is a MISMATCH" {
    P="$BATS_TEST_TMPDIR/p"
    mkdir -p "$P"
    cp "$D/pi-0-default-seq.h5" "$D/pi-2-clang-omp2.h5" "$P/"
    run parity verify "$P"
    [ "$status" -eq 0 ]
    v=$(h5dump -m '%.17g' -d /result/value "$P/pi-2-clang-omp2.h5" | awk '/\(0\):/ {print $2; exit}')
    ulp=$(python3 -c "import math, sys; print(repr(math.ulp(float(sys.argv[1]))))" "$v")
    "$PARITY_BUILD/tests/h5perturb" "$P/pi-2-clang-omp2.h5" value 0 "$ulp"
    run parity verify "$P"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"MISMATCH"*"value: 1 of 1 differ"*", 1 ulps"* ]]
}
