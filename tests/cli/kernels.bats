#!/usr/bin/env bats
# Kernel-specific claims beyond "bitwise in every mode" (modes.bats).

bats_require_minimum_version 1.5.0
load helpers

@test "ep class S (--size small) matches the official NPB 3.3 values in every mode" {
    E="$BATS_TEST_TMPDIR/ep"
    one=(--size small --reps 1 --warmup 0 --outdir "$E" --quiet)
    parity run ep "${one[@]}"                               # self-check = NPB values
    parity run ep "${one[@]}" --mode omp --threads 2
    mpi 3 run ep "${one[@]}" --mode mpi
    mpi 2 run ep "${one[@]}" --mode mpi --threads 2
    for f in "$E"/*.h5; do
        run h5dump -a /result/npb_class "$f"
        [[ "$output" == *"(0): 83"* ]]                      # 'S'
        run h5dump -a /check/passed "$f"
        [[ "$output" == *"(0): 1"* ]] || { echo "$f failed its NPB check"; false; }
    done
    run parity verify "$E"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -c ' bitwise ')" -eq 3 ]
}

@test "ep: a class S result moved by 1e-7 relative fails the NPB check" {
    # The same comparison the self-check makes, applied to a stored value:
    # verify reports it as a MISMATCH against the seq run.
    E="$BATS_TEST_TMPDIR/ep2"
    parity run ep --size small --reps 1 --warmup 0 --out "$E/seq.h5" --quiet
    cp "$E/seq.h5" "$E/copy.h5"
    "$PARITY_BUILD/tests/h5perturb" "$E/copy.h5" sums 0 -3.2478e-4
    run parity verify "$E"
    [ "$status" -eq 1 ]
    [[ "$output" == *"MISMATCH"*"sums: 1 of 2 differ"* ]]
}

@test "cg: the iteration count is the same in every mode (repro), and stored" {
    C="$BATS_TEST_TMPDIR/cg"
    parity run cg --size tiny --out "$C/seq.h5" --quiet
    parity run cg --size tiny --mode omp --threads 3 --out "$C/omp.h5" --quiet
    mpi 4 run cg --size tiny --mode mpi --out "$C/mpi.h5" --quiet
    mpi 2 run cg --size tiny --mode mpi --threads 2 --out "$C/hyb.h5" --quiet
    counts=$(for f in "$C"/*.h5; do h5dump -A 0 -d /result/iterations "$f" | grep '(0)'; done | sort -u)
    echo "$counts"
    [ "$(echo "$counts" | wc -l)" -eq 1 ]
    [[ "$counts" =~ \(0\):\ [1-9][0-9]* ]]
}
