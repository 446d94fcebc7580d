#!/usr/bin/env bats
# Open MPI and MPICH builds side by side (build/ and build-mpich/, `make
# MPI=mpich`): each records its MPI library in the result file, and results
# of one verify bitwise against seq runs of the other, in one folder.  A
# perturbed MPICH result is caught, so the cross-check can fail.
# Skipped, saying why, where the MPICH build or its launcher is missing.

bats_require_minimum_version 1.5.0
load helpers

: "${PARITY_MPICH:=$BATS_TEST_DIRNAME/../../build-mpich/parity}"

setup() {
    [ -x "$PARITY_MPICH" ] || skip "SKIP: no MPICH build at $PARITY_MPICH (make MPI=mpich)"
    command -v mpiexec.mpich >/dev/null || skip "SKIP: mpiexec.mpich not installed (apt-get install mpich)"
    # this file compares the two builds: PARITY must be the Open MPI one
    h5dump -a /mpi_library "$(ompi_probe)" | grep -q 'Open MPI' || skip "SKIP: $PARITY is not an Open MPI build"
}

# One small Open MPI result (cached per file), to learn which MPI PARITY is.
ompi_probe() {
    local f="$BATS_FILE_TMPDIR/probe/probe.h5"
    [ -f "$f" ] || mpirun --oversubscribe -np 1 "$PARITY" run pi --size tiny --mode mpi --out "$f" --quiet
    echo "$f"
}

mpich() { # RANKS parity-arguments...: the MPICH build under MPICH's own launcher
    local np=$1
    shift
    mpiexec.mpich -n "$np" "$PARITY_MPICH" "$@"
}

mpi_library() { h5dump -a /mpi_library "$1" | sed -n 's/.*(0): "\(.*\)".*/\1/p'; }

@test "each build records its MPI library in the result file" {
    D="$BATS_TEST_TMPDIR/lib"
    mpi 2 run pi --size tiny --mode mpi --out "$D/ompi.h5" --quiet
    mpich 2 run pi --size tiny --mode mpi --out "$D/mpich.h5" --quiet
    echo "Open MPI build: $(mpi_library "$D/ompi.h5")"
    echo "MPICH build: $(mpi_library "$D/mpich.h5")"
    [[ "$(mpi_library "$D/ompi.h5")" == "Open MPI v"* ]]
    [[ "$(mpi_library "$D/mpich.h5")" == "MPICH Version:"* ]]
}

@test "MPICH-run results are bitwise equal to Open MPI's seq, and the other way round" {
    A="$BATS_TEST_TMPDIR/a" B="$BATS_TEST_TMPDIR/b"
    for k in heat pi; do
        parity run "$k" --size tiny --out "$A/$k-seq.h5" --quiet
        mpich 3 run "$k" --size tiny --mode mpi --out "$A/$k-mpich3.h5" --quiet
        mpich 2 run "$k" --size tiny --mode mpi --threads 2 --out "$A/$k-mpich2x2.h5" --quiet
        "$PARITY_MPICH" run "$k" --size tiny --out "$B/$k-seq.h5" --quiet
        mpi 3 run "$k" --size tiny --mode mpi --out "$B/$k-ompi3.h5" --quiet
    done
    run parity verify "$A"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"6 run(s): 2 reference, 4 bitwise, 0 within tolerance, 0 MISMATCH"* ]]
    run "$PARITY_MPICH" verify "$B"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"4 run(s): 2 reference, 2 bitwise, 0 within tolerance, 0 MISMATCH"* ]]
}

@test "a perturbed MPICH result fails the cross-check" {
    D="$BATS_TEST_TMPDIR/p"
    parity run heat --size tiny --out "$D/seq.h5" --quiet
    mpich 2 run heat --size tiny --mode mpi --out "$D/mpich.h5" --quiet
    "$PARITY_BUILD/tests/h5perturb" "$D/mpich.h5" grid 7 1e-15
    run parity verify "$D"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -E 'mpi +2 +1 .* MISMATCH +grid: 1 of 4096 differ, first \[7\]'
}

@test "report names both MPI libraries and keeps their runs apart" {
    D="$BATS_TEST_TMPDIR/r"
    parity run pi --size tiny --out "$D/seq.h5" --quiet --reps 2
    mpi 2 run pi --size tiny --mode mpi --out "$D/ompi.h5" --quiet --reps 2
    mpich 2 run pi --size tiny --mode mpi --out "$D/mpich.h5" --quiet --reps 2
    run parity report "$D" --out "$D/rep"
    echo "$output"
    [ "$status" -eq 0 ]
    grep -E '^MPI runs made with (Open MPI v[^;]*; MPICH Version: [0-9.]+|MPICH Version: [0-9.]+; Open MPI v.*)\.' "$D/rep/report.md"
    grep -q 'mpi (MPICH)' "$D/rep/report.md"
    grep -q 'mpi (Open MPI)' "$D/rep/report.md"
}
