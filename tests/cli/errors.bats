#!/usr/bin/env bats
# Bad input: one clear line on stderr and exit 2, never a crash or a hang.

bats_require_minimum_version 1.5.0
load helpers

@test "--version names the version and the git commit; every command has --help" {
    run parity --version
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^parity\ [0-9]+\.[0-9]+\.[0-9]+\ \(git\ [0-9a-f]+ ]]
    for c in list run verify info report compare; do
        run parity "$c" --help
        [ "$status" -eq 0 ]
        [[ "$output" == usage:* ]]
    done
}

@test "list shows every kernel with presets and its verification policy" {
    run parity list
    [ "$status" -eq 0 ]
    for k in $(parity list --names); do
        [[ "$output" == *"$k — "* ]]
    done
    [[ "$output" == *"tiny"*"small"*"medium"*"large"* ]]
    [[ "$output" == *"bitwise under --reduce repro"* ]]
}

@test "unknown kernel" {
    run --separate-stderr parity run nosuch
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"unknown kernel 'nosuch'"* ]]
}

@test "bad numbers and unknown options" {
    for args in "--n lots" "--n 0" "--reps -1" "--threads x" "--mode gpu" "--size huge" "--bogus"; do
        run --separate-stderr parity run pi $args
        [ "$status" -eq 2 ] || { echo "$args: status $status"; false; }
        assert_one_line_error
    done
}

@test "a size that cannot fit in memory is refused before allocating" {
    run --separate-stderr parity run heat --n 1000000 --steps 1
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"GiB"*"available"* ]]
}

@test "--mode mpi without a launcher says how to launch it" {
    run --separate-stderr timeout 20 "$PARITY" run pi --size tiny --mode mpi
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"mpirun -np"* ]]
}

@test "a non-mpi mode started by mpirun as several processes is refused" {
    run --separate-stderr mpi 2 run pi --size tiny --outdir "$BATS_TEST_TMPDIR"
    [ "$status" -ne 0 ]
    [[ "$stderr" == *"add --mode mpi"* ]]
    [ -z "$(compgen -G "$BATS_TEST_TMPDIR/*.h5")" ]
}

@test "missing, truncated and foreign files" {
    run --separate-stderr parity verify "$BATS_TEST_TMPDIR/none.h5"
    [ "$status" -eq 2 ]
    assert_one_line_error
    f="$BATS_TEST_TMPDIR/ok.h5"
    parity run pi --size tiny --out "$f" --quiet
    head -c 3000 "$f" > "$BATS_TEST_TMPDIR/truncated.h5"
    run --separate-stderr parity info "$BATS_TEST_TMPDIR/truncated.h5"
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"truncated"* ]]
    h5copy -i "$f" -o "$BATS_TEST_TMPDIR/foreign.h5" -s /result -d /data
    run --separate-stderr parity verify "$BATS_TEST_TMPDIR/foreign.h5"
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"not a parity result file"* ]]
    echo "plain text" > "$BATS_TEST_TMPDIR/text.h5"
    run --separate-stderr parity info "$BATS_TEST_TMPDIR/text.h5"
    [ "$status" -eq 2 ]
    assert_one_line_error
}

@test "a result file appears only when complete (no .tmp left behind)" {
    parity run pi --size tiny --outdir "$BATS_TEST_TMPDIR/a" --quiet
    [ "$(ls "$BATS_TEST_TMPDIR/a" | grep -c '\.h5$')" -eq 1 ]
    [ -z "$(find "$BATS_TEST_TMPDIR/a" -name '*.tmp')" ]
}
