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

@test "h5dump reads a result file and shows schema version 1" {
    run h5dump -A "$D/pi_omp.h5"
    [ "$status" -eq 0 ]
    for g in run timing metrics result check; do
        [[ "$output" == *"GROUP \"$g\""* ]] || { echo "no /$g"; false; }
    done
    for a in schema_version git_commit created_utc hostname cpu_model cores_online compiler \
             cflags mpi_library hdf5_version omp_proc_bind slurm_job_id command_line; do
        [[ "$output" == *"ATTRIBUTE \"$a\""* ]] || { echo "no attribute $a"; false; }
    done
    run h5dump -d /timing/wall "$D/pi_omp.h5"
    [[ "$output" == *"DATASPACE  SIMPLE { ( 5 ) / ( 5 ) }"* ]]
    run h5dump -a /schema_version "$D/pi_omp.h5"
    [[ "$output" == *"(0): 1"* ]]
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
