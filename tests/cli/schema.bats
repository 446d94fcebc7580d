#!/usr/bin/env bats
# Result file schema 2: a file describes its kernel (/kernel), so analysis
# judges it by what the file says.  Checked here: schema 1 files written by
# the previous parity (tests/data/v1) still verify bitwise, report and show;
# a kernel this parity does not have is verified by the file's own policy;
# the file's policy wins over this binary's tables; a damaged /kernel is
# DAMAGED, never a crash or a silent pass.

bats_require_minimum_version 1.5.0
load helpers

V1=$BATS_TEST_DIRNAME/../data/v1

setup_file() {
    load helpers
    export S="$BATS_FILE_TMPDIR/v2"
    parity run pi --size tiny --out "$S/pi_seq.h5" --quiet
    parity run pi --size tiny --mode omp --threads 2 --reduce fast --out "$S/pi_fast.h5" --quiet
    # a wrong answer well within pi's rtol (1e-10) but not within 1e-15
    "$PARITY_BUILD/tests/h5perturb" "$S/pi_fast.h5" value 0 1e-12
}

# Set /GROUP attribute NAME of FILE to the Python expression VALUE (numpy as np).
set_attr() { # FILE GROUP NAME VALUE
    "$(h5py_python)" -c "
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'r+') as f:
    f[sys.argv[2]].attrs[sys.argv[3]] = eval(sys.argv[4])" "$@"
}

@test "schema 1 files of the previous parity verify bitwise with this one" {
    run parity verify "$V1"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(verify_rows "$V1" | grep -c ' reference')" -eq 3 ]
    [ "$(verify_rows "$V1" | grep -c ' bitwise')" -eq 4 ]
    [[ "${lines[-1]}" == "verify: 7 run(s): 3 reference, 4 bitwise, 0 within tolerance, 0 MISMATCH, 0 without baseline, 0 DAMAGED;"* ]]
}

@test "schema 1 files: info says the facts came from this parity's tables; report writes its tables" {
    for f in "$V1"/*.h5; do
        run parity info --check "$f"
        [ "$status" -eq 0 ]
    done
    run parity info "$V1/heat-seq.h5"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"facts from this parity's tables: a schema 1 file"* ]]
    [[ "$output" == *"bitwise with the default variant: temporal; same problem: same n steps seed"* ]]
    run parity report "$V1" --out "$BATS_TEST_TMPDIR/rep"
    echo "$output"
    [ "$status" -eq 0 ]
    grep -q '^## heat — 2-D heat equation' "$BATS_TEST_TMPDIR/rep/report.md"
    grep -q '^## cg — ' "$BATS_TEST_TMPDIR/rep/report.md"
}

@test "a schema 1 file this parity's tables do not fit is 'cannot read here', never damaged" {
    O="$BATS_TEST_TMPDIR/older"
    mkdir -p "$O"
    cp "$V1/pi-seq.h5" "$O/renamed.h5"
    cp "$V1/pi-seq.h5" "$O/unknown.h5"
    "$(h5py_python)" -c "
import sys, h5py
with h5py.File(sys.argv[1], 'r+') as f:   # a pi whose parameter was called m
    f['run'].attrs['m'] = f['run'].attrs['n']; del f['run'].attrs['n']
with h5py.File(sys.argv[2], 'r+') as f:
    f['run'].attrs['kernel'] = 'mystery'" "$O/renamed.h5" "$O/unknown.h5"
    run --separate-stderr parity info --check "$O/renamed.h5" "$O/unknown.h5"
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == *"renamed.h5: cannot read here: /run parameter n is missing or not an integer (as this parity's kernel has it)" ]]
    [[ "${lines[1]}" == *"unknown.h5: cannot read here: kernel 'mystery' is not known to this parity"* ]]
}

@test "a schema 2 run of this parity is judged against a schema 1 reference of the same problem" {
    M="$BATS_TEST_TMPDIR/mixed"
    mkdir -p "$M"
    cp "$V1/pi-seq.h5" "$M/"
    parity run pi --size tiny --mode omp --threads 3 --out "$M/pi_omp3.h5" --quiet
    run parity verify "$M"
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$output" | grep -E '^ *omp +1 +3 +repro +midpoint +bitwise'
}

@test "a kernel this parity does not have is verified, reported and shown from the file's own facts" {
    U="$BATS_TEST_TMPDIR/unknown"
    mkdir -p "$U"
    cp "$S"/*.h5 "$U/"
    for f in "$U"/*.h5; do set_attr "$f" run kernel "'mystery'"; done
    run parity verify "$U"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "mystery n=1000000 seed=1" ]
    echo "$output" | grep -E '^ *omp +1 +2 +fast +midpoint +within tolerance +value: 1 of 1 differ'
    run parity info "$U/pi_fast.h5"
    [ "$status" -eq 0 ]
    [[ "$output" == *"kernel    mystery: "*"facts from the file"* ]]
    run parity report "$U" --out "$BATS_TEST_TMPDIR/rep"
    echo "$output"
    [ "$status" -eq 0 ]
    grep -q '^## mystery — ' "$BATS_TEST_TMPDIR/rep/report.md"
    # its policy is the file's: a tolerance tighter than the error makes it a MISMATCH
    set_attr "$U/pi_fast.h5" kernel verify_rtol 1e-15
    run parity verify "$U"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E '^ *omp +1 +2 +fast +midpoint +MISMATCH +value: 1 of 1 differ'
}

@test "the file's verify policy wins over this parity's tables for a kernel it has" {
    K="$BATS_TEST_TMPDIR/known"
    mkdir -p "$K"
    cp "$S"/*.h5 "$K/"
    run parity verify "$K"
    [ "$status" -eq 0 ]
    echo "$output" | grep -E '^ *omp .* within tolerance'
    set_attr "$K/pi_fast.h5" kernel verify_rtol 1e-15
    run parity verify "$K"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E '^ *omp .* MISMATCH +value: 1 of 1 differ'
    # and what makes two runs the same problem is the file's too: without
    # the seed as a key, runs of different seeds share a reference
    parity run pi --size tiny --seed 7 --mode omp --threads 2 --out "$K/pi_seed7.h5" --quiet
    run parity verify "$K"
    echo "$output" | grep -E '^ *omp .* NO BASELINE'
    for f in "$K"/*.h5; do set_attr "$f" kernel problem_keys "np.array([b'n'])"; done
    run parity verify "$K"
    echo "$output"
    [ "${lines[0]}" = "pi n=1000000" ]
    run ! grep -q 'NO BASELINE' <<<"$output"
}

@test "a damaged /kernel group: DAMAGED in one line, exit 1 from info --check, never a crash" {
    B="$BATS_TEST_TMPDIR/bad"
    mkdir -p "$B"
    local cases=(
        "verify_rtol|np.float64('nan')|verify tolerance"
        "verify_atol|np.float64(-1)|verify tolerance"
        "bitwise_variants|np.array([b'nosuch'])|bitwise variant 'nosuch'"
        "variants|np.array([b'other'])|variant 'midpoint' is not one of /kernel variants"
        "variants|np.array([], dtype='S1')|no variant"
        "params|np.array([b'n', b'm'])|differ in length"
        "params|np.array([b'mode'])|fixed /run attribute"
        "param_max|np.array([5], dtype=np.int64)|outside pi's range"
        "param_min|np.array([7], dtype=np.int64)|range [7, 5]"
        "problem_keys|np.array([b'nosuch'])|problem key 'nosuch'"
        "problem_keys|np.array([b'x' * 300])|too long"
        "summary|np.int64(3)|missing, unreadable"
        "api_version|np.int64(0)|API version 0"
    )
    local c name value why
    for c in "${cases[@]}"; do
        IFS='|' read -r name value why <<<"$c"
        cp "$S/pi_seq.h5" "$B/x.h5"
        [ "$name" != param_min ] || set_attr "$B/x.h5" kernel param_max "np.array([5], dtype=np.int64)"
        set_attr "$B/x.h5" kernel "$name" "$value"
        run --separate-stderr parity info --check "$B/x.h5"
        echo "$name=$value: $status $output"
        [ "$status" -eq 1 ]
        [[ "$output" == *": damaged: "*"$why"* ]]
    done
    cp "$S/pi_seq.h5" "$B/x.h5"
    "$(h5py_python)" -c "import sys,h5py; del h5py.File(sys.argv[1],'r+')['kernel']" "$B/x.h5"
    run parity info --check "$B/x.h5"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *": damaged: schema 2 file without a readable /kernel group" ]]
}
