#!/usr/bin/env bats
# jobs/bench.sh, the benchmark job: a --quick run completes, shows progress,
# writes bench.md with every section and one PASS/MISS/SKIP verdict per line
# (a gap for every MISS), records the ISA, its FMA peak and the OpenBLAS core
# type, keeps every run's result file where verify passes, says which kernels
# it skipped, and its cross-build check catches a build whose bits differ.
# Speed itself is never asserted here.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    load helpers
    export BENCH="$BATS_TEST_DIRNAME/../../jobs/bench.sh"
    export OUT="$BATS_FILE_TMPDIR/bench"
    local rc=0
    "$BENCH" --quick --reps 2 --outdir "$OUT" >"$BATS_FILE_TMPDIR/quick.out" 2>&1 || rc=$?
    echo "$rc" >"$BATS_FILE_TMPDIR/quick.rc"
}

quick_output() { cat "$BATS_FILE_TMPDIR/quick.out"; }
# the table rows of bench.md (not the header or separator rows)
table_rows() { grep '^| ' "$1" | grep -v '^| what |'; }

@test "--quick completes with progress lines and exit 0" {
    quick_output
    [ "$(cat "$BATS_FILE_TMPDIR/quick.rc")" -eq 0 ]
    quick_output | grep -qE '^\[1/[0-9]+\] triad seq p=1 t=1 tiny .*… [0-9.]+ s ✓'
    n=$(quick_output | grep -cE '^\[[0-9]+/[0-9]+\] .* ✓')
    total=$(quick_output | sed -n 's/^bench: .*: \([0-9]*\) runs on .*/\1/p')
    [ "$n" -eq "$total" ]
    quick_output | grep -q "bench: $total run(s) in .*, 0 failed"
}

@test "bench.md has every section and one verdict per line, a gap for every MISS" {
    md="$OUT/bench.md"
    [ -f "$md" ]
    for section in "## Memory-bound kernels vs STREAM triad" \
                   "## matmul blocked vs the best OpenBLAS dgemm" \
                   "## Parallel efficiency, OpenMP, all cores" \
                   "## Parallel efficiency, MPI" \
                   "## Concurrency: iowait with 16 threads" \
                   "## Cost of --reduce repro over --reduce fast" \
                   "## OpenMP with 1 thread vs seq: the same loop" \
                   "## Bitwise across builds"; do
        grep -qF "$section" "$md" || { echo "no section: $section"; false; }
    done
    grep -q '^- load average (1, 5, 15 min) before: ' "$md"
    # the ISA, the peak it implies and the OpenBLAS core type are recorded
    grep -qE '^- vector ISA of the CPU: (AVX-512|AVX2|SSE2).* \(FMA peak assumed: (32|16|4) flop/cycle per core\)' "$md"
    if grep -qw avx512f /proc/cpuinfo; then grep -q 'OPENBLAS_CORETYPE=SkylakeX (chosen from the ISA)' "$md"; fi
    rows=$(table_rows "$md")
    echo "$rows"
    # memory: 2 kernels x TC + temporal; matmul: seq (+ omp, mpi); 5 kernels
    # x 2 efficiencies; iowait; repro cost: 5 kernels x TC; omp 1 thread vs
    # seq: 13; cross builds: x86, clang (+ avx2 where built)
    tc=1 mm=1
    [ "$(nproc)" -gt 1 ] && tc=2 mm=3
    avx2=0
    [ -x "$BATS_TEST_DIRNAME/../../build-avx2/parity" ] && avx2=1
    [ "$(echo "$rows" | wc -l)" -eq $((2 * tc + 1 + mm + 10 + 1 + 5 * tc + 13 + 2 + avx2)) ]
    while IFS= read -r line; do
        v=$(echo "$line" | awk -F' [|] ' '{ print $4 }')
        [[ "$v" =~ ^(PASS|MISS|SKIP)$ ]] || { echo "no verdict: $line"; false; }
        gap=$(echo "$line" | awk -F' [|] ' '{ print $5 }' | sed 's/ *|$//')
        if [ "$v" = MISS ] || [ "$v" = SKIP ]; then [ -n "$gap" ] || { echo "no gap/reason: $line"; false; }; fi
        if [ "$v" = PASS ]; then [ -z "$gap" ]; fi
    done <<<"$rows"
    # every kernel parity has is measured; the lines of absent kernels say so
    known=" $(parity list --names | xargs) "
    for k in heat pi ep matmul iowait; do
        [[ "$known" == *" $k "* ]] || continue
        echo "$rows" | grep "^| $k " | grep -qvE '\| SKIP \|'
    done
    for k in cg nbody mandelbrot; do
        if [[ "$known" != *" $k "* ]]; then
            echo "$rows" | grep "^| $k " | grep -q "| SKIP | $k is not in this parity"
        fi
    done
}

@test "the folder holds every run's result file and verify passes on it" {
    total=$(quick_output | sed -n 's/^bench: .*: \([0-9]*\) runs on .*/\1/p')
    # the cross-build check's runs are in cross/, judged apart
    mapfile -t files < <(find "$OUT" -path "$OUT/cross" -prune -o -name '*.h5' -print)
    [ "${#files[@]}" -eq "$total" ]
    [ -z "$(find "$OUT" -name '*.tmp')" ]
    # a second OpenBLAS core type sums in another order: its runs are in
    # openblas-other/, verified against blocked's seq run
    mapfile -t main < <(printf '%s\n' "${files[@]}" | grep -v "^$OUT/openblas-other/")
    run parity verify "${main[@]}"
    echo "$output"
    [ "$status" -eq 0 ]
    grep -q '^- every run.*`parity verify` on the bench.s runs: verify: .* 0 MISMATCH' "$OUT/bench.md"
    # the blas run is judged against blocked within tolerance, or bitwise
    if parity run matmul --variant blas --size tiny --reps 1 --warmup 0 --outdir "$BATS_TEST_TMPDIR" --quiet; then
        echo "$output" | grep -E '^  (seq|omp) .* blas +(within tolerance|bitwise)'
    fi
}

@test "kernel facts come from parity list --format tsv: models, micro-kernel; no source or prose read" {
    md="$OUT/bench.md"
    tsv=$(parity list --format tsv)
    # each memory-bound kernel's bytes line is its tsv model at the bench's size
    for k in triad heat cg; do
        want=$(awk -F'\t' -v k="$k" '$1 == "preset" && $2 == k && $3 == "tiny" {
            printf "%.4g GB counted and %.4g GFLOP per repetition, %.4g MiB allocated per process (%s)",
                $5 / 1e9, $6 / 1e9, $4 / 1048576, $7 }' <<<"$tsv")
        echo "$k: $want"
        grep -qxF "  - $k: $want" "$md"
    done
    # the working set shown is the tsv memory model at the run's parameters
    mib=$(awk -F'\t' '$1 == "preset" && $2 == "heat" && $3 == "tiny" { printf "%.3g", $4 / 1048576 }' <<<"$tsv")
    grep -qF "| heat / triad GB/s, 1 thread (n=64: $mib MiB" "$md"
    # the micro-kernel named is the one matmul's blocked variant says
    tile=$(awk -F'\t' '$1 == "variant" && $2 == "matmul" && $3 == "blocked" { print $5 }' <<<"$tsv" |
        grep -oE '[0-9]+x[0-9]+ register tile')
    grep -qF "this build's matmul micro-kernel: $tile" "$md"
    # and the script reads neither kernel sources nor the human listing
    run grep -nE 'kernels/|"\$PARITY" list *($|\||\))' "$BENCH"
    echo "$output"
    [ "$status" -eq 1 ]
}

@test "--skip leaves kernels out and says so on their lines" {
    run "$BENCH" --quick --reps 1 --skip heat,pi,ep,matmul,iowait,cg,nbody,mandelbrot --outdir "$BATS_TEST_TMPDIR/s"
    echo "$output"
    [ "$status" -eq 0 ]
    rows=$(table_rows "$BATS_TEST_TMPDIR/s/bench.md")
    # every line but triad's own and the cross-build ones is skipped
    others=$(echo "$rows" | grep -vE '^\| (triad |build-)')
    [ -z "$(echo "$others" | grep -v '| SKIP |')" ]
    [ "$(echo "$others" | wc -l)" -ge 30 ]
    echo "$rows" | grep -q '^| heat / triad GB/s, 1 thread | — | ≥ 0.8 | SKIP | heat left out (--skip) |$'
    echo "$rows" | grep -q '^| triad repro cost, seq 1 thread | .* | ≤ 3 % | \(PASS\|MISS\) |'
    # triad: seq and omp 1 thread, repro and fast; all cores repro and fast
    n=4
    [ "$(nproc)" -gt 1 ] && n=6
    [ "$(find "$BATS_TEST_TMPDIR/s" -path "$BATS_TEST_TMPDIR/s/cross" -prune -o -name '*.h5' -print | wc -l)" -eq "$n" ]
}

@test "the cross-build check: PASS for a build with the same bits, MISS naming a kernel that differs" {
    # a copy of this build (same bits), and a "build" whose pi is not bitwise:
    # it runs --reduce fast
    mkdir -p "$BATS_TEST_TMPDIR/same" "$BATS_TEST_TMPDIR/other"
    cp "$PARITY" "$BATS_TEST_TMPDIR/same/parity"
    printf '#!/bin/sh\nexec "%s" "$@" --reduce fast\n' "$PARITY" >"$BATS_TEST_TMPDIR/other/parity"
    chmod +x "$BATS_TEST_TMPDIR/other/parity"
    PARITY_CLANG="$BATS_TEST_TMPDIR/same/parity" PARITY_X86="$BATS_TEST_TMPDIR/other/parity" \
        run "$BENCH" --quick --reps 1 --skip heat,ep,matmul,iowait,cg,nbody,mandelbrot \
        --outdir "$BATS_TEST_TMPDIR/x"
    echo "$output"
    [ "$status" -eq 0 ]
    rows=$(table_rows "$BATS_TEST_TMPDIR/x/bench.md")
    echo "$rows" | grep -E '^\| build-clang \(.*\) vs this build, tiny, repro \| 2 of 2 kernels bitwise \| bitwise \| PASS \|'
    echo "$rows" | grep -E '^\| build-x86 \(.*\) vs this build, tiny, repro \| 1 of 2 kernels bitwise \| bitwise \| MISS \| not bitwise: pi;'
}

@test "bad input: exit 2 and one line; --help; an used folder is refused" {
    for bad in "--reps 0" "--reps x" "--skip nosuch" "--frobnicate"; do
        # shellcheck disable=SC2086
        run --separate-stderr "$BENCH" $bad --outdir "$BATS_TEST_TMPDIR/bad"
        echo "$bad -> $status: $stderr"
        [ "$status" -eq 2 ]
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == bench:* ]]
    done
    run --separate-stderr "$BENCH" --quick --outdir "$OUT"
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"already holds result files"* ]]
    run "$BENCH" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"--quick"*"--reps R"* ]]
}
