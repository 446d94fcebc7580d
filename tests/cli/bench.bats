#!/usr/bin/env bats
# jobs/bench.sh, the benchmark job: a --quick run completes, shows progress,
# writes bench.md with every section and one PASS/MISS/SKIP verdict per line
# (a gap for every MISS), keeps every run's result file where verify passes,
# and says which kernels it skipped.  Speed itself is never asserted here.

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
                   "## matmul blocked vs OpenBLAS dgemm" \
                   "## Parallel efficiency, OpenMP, all cores" \
                   "## Parallel efficiency, MPI" \
                   "## Concurrency: iowait with 16 threads" \
                   "## Cost of --reduce repro over --reduce fast"; do
        grep -qF "$section" "$md" || { echo "no section: $section"; false; }
    done
    grep -q '^- load average (1, 5, 15 min) before: ' "$md"
    rows=$(table_rows "$md")
    echo "$rows"
    # 2 memory kernels x 2, matmul x 2, 5 kernels x 2 efficiencies, iowait, 4 reduce
    [ "$(echo "$rows" | wc -l)" -eq 21 ]
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
    [ "$(find "$OUT" -name '*.h5' | wc -l)" -eq "$total" ]
    [ -z "$(find "$OUT" -name '*.tmp')" ]
    run parity verify "$OUT"
    echo "$output"
    [ "$status" -eq 0 ]
    grep -q '^- every run.*`parity verify` on it: verify: .* 0 MISMATCH' "$OUT/bench.md"
    # the blas run is judged against blocked within tolerance, or bitwise
    if parity run matmul --variant blas --size tiny --reps 1 --warmup 0 --outdir "$BATS_TEST_TMPDIR" --quiet; then
        echo "$output" | grep -E '^  (seq|omp) .* blas +(within tolerance|bitwise)'
    fi
}

@test "--skip leaves kernels out and says so on their lines" {
    run "$BENCH" --quick --reps 1 --skip heat,pi,ep,matmul,iowait,cg,nbody,mandelbrot --outdir "$BATS_TEST_TMPDIR/s"
    echo "$output"
    [ "$status" -eq 0 ]
    rows=$(table_rows "$BATS_TEST_TMPDIR/s/bench.md")
    [ "$(echo "$rows" | grep -c '| SKIP |')" -eq 21 ]
    echo "$rows" | grep -q '^| heat / triad GB/s, 1 thread | — | ≥ 0.8 | SKIP | heat left out (--skip) |$'
    [ "$(find "$BATS_TEST_TMPDIR/s" -name '*.h5' | wc -l)" -eq 2 ] # triad seq and omp
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
