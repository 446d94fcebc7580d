#!/usr/bin/env bats
# Race detection: build-tsan/parity (clang, libomp, -fsanitize=thread, built
# by `make tsan`) with Archer, libomp's OMPT tool that tells ThreadSanitizer
# what OpenMP's barriers and reductions order.  Every kernel's OpenMP code
# (omp mode under both --reduce settings, and hybrid MPI x OpenMP) must give
# 0 reports; pi's racy variant must be reported, so the check can fail.

bats_require_minimum_version 1.5.0
load helpers

ARCHER=/usr/lib/llvm-14/lib/libarcher.so

setup_file() {
    : "${PARITY_TSAN:=$BATS_TEST_DIRNAME/../../build-tsan/parity}"
    export PARITY_TSAN
    # Archer announces itself with verbose=1: the tests check that it did.
    export OMP_TOOL_LIBRARIES=$ARCHER ARCHER_OPTIONS=verbose=1
    # Reports in libraries built without TSan (Open MPI, HDF5, libomp's own
    # internals that Archer annotates) are not ours to judge; exitcode makes
    # any report fail the run even when parity itself succeeded.
    export TSAN_OPTIONS="ignore_noninstrumented_modules=1 exitcode=66 external_symbolizer_path=/usr/lib/llvm-14/bin/llvm-symbolizer"
    # Threads that sleep at barriers instead of spinning: the hybrid runs put
    # 4 threads on the 2 cores, and spinning under TSan is slow.
    export OMP_WAIT_POLICY=passive
}

# tsan_run OUT ARGS...: run the TSan binary, output (both streams) into OUT.
tsan_run() {
    local out=$1
    shift
    "$@" >"$out" 2>&1
}

reports() { grep -c 'WARNING: ThreadSanitizer' "$1" || true; }

@test "the TSan binary exists, is instrumented, and Archer is active" {
    [ -x "$PARITY_TSAN" ] || { echo "missing $PARITY_TSAN: run make tsan" >&2; false; }
    [ -r "$ARCHER" ] || { echo "missing $ARCHER: install libomp-14-dev" >&2; false; }
    nm "$PARITY_TSAN" | grep -q __tsan_init
    run "$PARITY_TSAN" run pi --size tiny --mode omp --threads 2 --reps 1 --warmup 0 \
        --outdir "$BATS_TEST_TMPDIR"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Archer detected OpenMP application with TSan"* ]]
}

@test "every kernel, omp 2 threads, repro and fast: 0 race reports" {
    bad=0
    for k in $("$PARITY" list --names); do
        for r in repro fast; do
            log="$BATS_TEST_TMPDIR/$k-$r.log"
            rc=0
            tsan_run "$log" "$PARITY_TSAN" run "$k" --size tiny --mode omp --threads 2 \
                --reduce "$r" --reps 1 --warmup 0 --outdir "$BATS_TEST_TMPDIR/r" --quiet || rc=$?
            n=$(reports "$log")
            echo "$k omp t=2 $r: exit $rc, $n report(s)"
            grep -q "Archer detected" "$log" || { echo "  Archer not active" ; bad=1; }
            if [ "$rc" -ne 0 ] || [ "$n" -ne 0 ]; then cat "$log"; bad=1; fi
        done
    done
    [ "$bad" -eq 0 ]
}

@test "every kernel, hybrid 2 ranks x 2 threads: 0 race reports" {
    bad=0
    for k in $("$PARITY" list --names); do
        log="$BATS_TEST_TMPDIR/$k-hybrid.log"
        rc=0
        tsan_run "$log" mpirun --oversubscribe -np 2 "$PARITY_TSAN" run "$k" --size tiny \
            --mode mpi --threads 2 --reps 1 --warmup 0 --outdir "$BATS_TEST_TMPDIR/h" --quiet || rc=$?
        n=$(reports "$log")
        echo "$k mpi p=2 t=2: exit $rc, $n report(s)"
        if [ "$rc" -ne 0 ] || [ "$n" -ne 0 ]; then cat "$log"; bad=1; fi
    done
    [ "$bad" -eq 0 ]
}

@test "the check can fail: pi --variant racy is reported as a data race" {
    log="$BATS_TEST_TMPDIR/racy.log"
    rc=0
    tsan_run "$log" "$PARITY_TSAN" run pi --size tiny --mode omp --threads 2 --variant racy \
        --reps 1 --warmup 0 --outdir "$BATS_TEST_TMPDIR/x" || rc=$?
    cat "$log"
    [ "$(reports "$log")" -ge 1 ]
    grep -q 'SUMMARY: ThreadSanitizer: data race .*kernels/pi/pi_omp.c' "$log"
    [ "$rc" -ne 0 ]
}
