#!/usr/bin/env bats
# Verification must be able to fail: a racy run, a perturbed file, a missing
# baseline.  And the files it reads follow the HDF5 schema.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    load helpers
    export D="$BATS_FILE_TMPDIR/runs"
    parity run pi --size tiny --out "$D/pi_seq.h5" --quiet
    parity run pi --size tiny --mode omp --threads 2 --out "$D/pi_omp.h5" --quiet
}

@test "racy variant: 2 threads on one shared accumulator are caught as MISMATCH" {
    R="$BATS_TEST_TMPDIR/racy"
    parity run pi --n 2e7 --reps 2 --outdir "$R" --quiet
    run parity run pi --n 2e7 --reps 2 --mode omp --threads 2 --variant racy --outdir "$R"
    [ "$status" -eq 1 ]                     # its own self-check fails too
    [[ "$output" == *"self-check FAILED"* ]]
    run parity verify "$R"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E 'omp +1 +2 +repro +racy +MISMATCH'
}

@test "a copy of a result stays bitwise; the same copy perturbed is a MISMATCH" {
    P="$BATS_TEST_TMPDIR/p"
    mkdir -p "$P"
    cp "$D/pi_seq.h5" "$P/"
    cp "$D/pi_omp.h5" "$P/"
    run parity verify "$P"
    [ "$status" -eq 0 ]
    "$PARITY_BUILD/tests/h5perturb" "$P/pi_omp.h5" value 0 1e-13
    run parity verify "$P"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E 'omp .* MISMATCH +value: 1 of 1 differ, first \[0\]'
}

@test "--store digest keeps no arrays but still verifies bitwise" {
    S="$BATS_TEST_TMPDIR/s"
    mkdir -p "$S"
    cp "$D/pi_seq.h5" "$S/"
    parity run pi --size tiny --mode omp --threads 3 --store digest --out "$S/d.h5" --quiet
    run h5ls "$S/d.h5/result"
    [ -z "$output" ]
    run parity verify "$S"
    [ "$status" -eq 0 ]
    echo "$output" | grep -E 'omp +1 +3 +repro +midpoint +bitwise'
}

@test "a parallel run without its sequential run is reported, exit 1" {
    run parity verify "$D/pi_omp.h5"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"NO BASELINE"* ]]
}

@test "h5dump reads a result file and shows schema version 2" {
    run h5dump -A "$D/pi_omp.h5"
    [ "$status" -eq 0 ]
    for g in run kernel timing metrics result check; do
        [[ "$output" == *"GROUP \"$g\""* ]] || { echo "no /$g"; false; }
    done
    for a in schema_version git_commit created_utc hostname cpu_model cores_online compiler \
             cflags mpi_library hdf5_version omp_proc_bind slurm_job_id command_line; do
        [[ "$output" == *"ATTRIBUTE \"$a\""* ]] || { echo "no attribute $a"; false; }
    done
    run h5dump -d /timing/wall "$D/pi_omp.h5"
    [[ "$output" == *"DATASPACE  SIMPLE { ( 5 ) / ( 5 ) }"* ]]
    run h5dump -a /schema_version "$D/pi_omp.h5"
    [[ "$output" == *"(0): 2"* ]]
}

@test "parity info shows the run, its check and digest" {
    run parity info "$D/pi_omp.h5"
    [ "$status" -eq 0 ]
    [[ "$output" == *"pi --mode omp, 1 rank(s) x 2 thread(s)"* ]]
    [[ "$output" == *"check     passed"* ]]
}

@test "placement: every rank's and thread's CPU and mask are recorded; oversubscription is flagged" {
    Q="$BATS_TEST_TMPDIR/q"
    # mpirun binds each rank to one core by default: 2 threads then share it.
    mpirun --oversubscribe --bind-to core -np 2 "$PARITY" run pi --size tiny --mode mpi \
        --threads 2 --out "$Q/bound.h5" --quiet
    run h5dump -d /placement/cpu "$Q/bound.h5"
    [[ "$output" == *"DATASPACE  SIMPLE { ( 2, 2 ) / ( 2, 2 ) }"* ]]
    run h5dump -a /placement/oversubscribed "$Q/bound.h5"
    [[ "$output" == *"(0): 1"* ]]
    parity run pi --size tiny --out "$Q/seq.h5" --quiet
    run h5dump -a /placement/oversubscribed "$Q/seq.h5"
    [[ "$output" == *"(0): 0"* ]]
    run parity verify "$Q"
    echo "$output" | grep -E 'mpi +2 +2 .*oversubscribed \(2 x 2 on [0-9]+ CPUs\)'
}

@test "variants are compared with the default variant: matmul naive is bitwise equal to blocked" {
    V="$BATS_TEST_TMPDIR/v"
    parity run matmul --size tiny --outdir "$V" --quiet
    parity run matmul --size tiny --variant naive --outdir "$V" --quiet
    parity run matmul --size tiny --variant naive --mode omp --threads 3 --outdir "$V" --quiet
    run parity verify "$V"
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$output" | grep -E 'seq +1 +1 +repro +naive +bitwise'
    echo "$output" | grep -E 'omp +1 +3 +repro +naive +bitwise'
}

@test "a perturbed grid element of an MPI run is located: count, first index, worst error" {
    H="$BATS_TEST_TMPDIR/h"
    parity run heat --size tiny --out "$H/seq.h5" --quiet
    mpi 2 run heat --size tiny --mode mpi --out "$H/mpi.h5" --quiet
    "$PARITY_BUILD/tests/h5perturb" "$H/mpi.h5" grid 100 1e-12
    run parity verify "$H"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E 'mpi +2 +1 .* MISMATCH +grid: 1 of 4096 differ, first \[100\], max abs 1e-12'
}

# ---- the reader against bad files (issue 9) --------------------------------
# tests/corpus/mutants.py makes each mutant with h5py, independently of parity.
mutate() { # SRC DST NAME
    local py
    for py in /usr/bin/python3 python3; do "$py" -c 'import h5py' 2>/dev/null && break; done
    "$py" "$BATS_TEST_DIRNAME/../corpus/mutants.py" make "$@"
}

@test "a 2-D /timing/wall, a 16 MiB string, an array where one value belongs: one line, exit 2, no crash" {
    B="$BATS_TEST_TMPDIR/bad"
    mkdir -p "$B"
    for m in rank-timing-wall-2d huge-string-mode retype-run-ranks-array huge-attr-array-ranks huge-shape-result; do
        mutate "$D/pi_omp.h5" "$B/$m.h5" "$m"
        run --separate-stderr parity info "$B/$m.h5"
        echo "$m: $status $stderr"
        [ "$status" -eq 2 ]
        assert_one_line_error
        # 2 unreadable; 1 for a dataset found damaged while judging
        run --separate-stderr parity verify "$B/$m.h5" "$D/pi_seq.h5"
        [ "$status" -eq 2 ] || { [ "$status" -eq 1 ] && [[ "$output" == *DAMAGED* ]]; }
    done
}

@test "impossible metadata, NaN or empty timings, control characters: refused in one line, names escaped" {
    B="$BATS_TEST_TMPDIR/meta"
    mkdir -p "$B"
    for m in impossible-ranks-negative impossible-threads-huge impossible-reps-zero \
             impossible-mode-ranks nan-timing-all empty-timing-wall control-char-kernel; do
        mutate "$D/pi_omp.h5" "$B/$m.h5" "$m"
        run --separate-stderr parity info "$B/$m.h5"
        echo "$m: $status $stderr"
        [ "$status" -eq 2 ]
        assert_one_line_error
    done
    run --separate-stderr parity info "$B/control-char-kernel.h5"
    [[ "$stderr" == *"kernel name 'pi\\x01' is not"* ]]
    run --separate-stderr parity info "$B/impossible-ranks-negative.h5"
    [[ "$stderr" == *"impossible /run ranks=-1"* ]]
}

@test "an array missing from a run, or reshaped with as many elements, is a MISMATCH" {
    E="$BATS_TEST_TMPDIR/missing"
    parity run ep --size tiny --out "$E/seq.h5" --quiet
    parity run ep --size tiny --mode omp --threads 2 --out "$E/omp.h5" --quiet
    mutate "$E/omp.h5" "$E/omp2.h5" del-result-array-digest && mv "$E/omp2.h5" "$E/omp.h5"
    run parity verify "$E"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E 'omp +1 +2 .* MISMATCH +counts: missing from this run'
    H="$BATS_TEST_TMPDIR/shape"
    parity run heat --size tiny --out "$H/seq.h5" --quiet
    parity run heat --size tiny --mode omp --threads 2 --out "$H/omp0.h5" --quiet
    mutate "$H/omp0.h5" "$H/omp.h5" shape-same-count && rm "$H/omp0.h5"
    run parity verify "$H"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E 'omp +1 +2 .* MISMATCH +grid: shape or type differs \(float64\[32\]\[128\] vs reference float64\[64\]\[64\]\)'
}

@test "stored data that no longer matches its digest is DAMAGED (redo it), and never used as the reference" {
    R="$BATS_TEST_TMPDIR/dmg"
    mkdir -p "$R"
    cp "$D/pi_seq.h5" "$R/a_seq.h5"
    parity run pi --size tiny --mode omp --threads 2 --store digest --out "$R/omp.h5" --quiet
    "$PARITY_BUILD/tests/h5perturb" --damage "$R/a_seq.h5" value 0 1e-13
    run parity verify "$R"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E 'seq +1 +1 .* DAMAGED .*value does not match its stored digest.*redo this file'
    echo "$output" | grep -E 'omp +1 +2 .* NO BASELINE'
    echo "$output" | grep -E '1 DAMAGED; .* 0 unreadable$'
    # with an intact seq run as well, that one is the reference
    cp "$D/pi_seq.h5" "$R/b_seq.h5"
    run parity verify "$R"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E 'omp +1 +2 .* bitwise'
    echo "$output" | grep -E 'seq +1 +1 .* reference'
    # the same change made consistently (a wrong answer) is a MISMATCH, not DAMAGED
    cp "$D/pi_omp.h5" "$R/omp.h5"
    "$PARITY_BUILD/tests/h5perturb" "$R/omp.h5" value 0 1e-13
    parity info "$R/omp.h5" >/dev/null
}

@test "a FIFO named x.h5 ends at once; a symlink loop counts each file once" {
    F="$BATS_TEST_TMPDIR/fifo"
    mkdir -p "$F"
    cp "$D/pi_seq.h5" "$D/pi_omp.h5" "$F/"
    mkfifo "$F/x.h5"
    run --separate-stderr timeout 20 "$PARITY" info "$F/x.h5"
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"x.h5: not a regular file"* ]]
    run timeout 20 "$PARITY" verify "$F"
    echo "$output"
    [ "$status" -eq 2 ]
    rm "$F/x.h5"
    ln -s . "$F/loop"
    ln -s "$F" "$F/again"
    ln "$F/pi_seq.h5" "$F/hardlink.h5"
    run timeout 20 "$PARITY" verify "$F"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"verify: 2 run(s): 1 reference, 1 bitwise"* ]]
}
