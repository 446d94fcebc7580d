#!/usr/bin/env bats
# heat --variant temporal (tiles skewed in time, a deep halo every k steps
# under MPI) must give explicit seq's bits in every mode.  Each folder holds
# the explicit seq reference and temporal runs only (no temporal seq run in
# the parallel folders), so `parity verify` compares every temporal run with
# explicit seq itself, and the row must say bitwise, not "within tolerance".
# Sizes: 13 steps = 8 + 5 (a partial last time block); n = 1100 is not a
# multiple of the 32 x 512 tiles and has two column tiles in seq and omp.

load helpers

# The verdict column of the temporal rows must be "bitwise" on every row,
# and there must be `want` of them.
all_temporal_bitwise() { # FOLDER WANT
    run parity verify "$1"
    echo "$output"
    [ "$status" -eq 0 ]
    local rows bitwise
    rows=$(echo "$output" | awk '$1 ~ /^(seq|omp|mpi)$/ && $5 == "temporal"' | wc -l)
    bitwise=$(echo "$output" | awk '$1 ~ /^(seq|omp|mpi)$/ && $5 == "temporal" && $6 == "bitwise"' | wc -l)
    [ "$rows" -eq "$2" ]
    [ "$bitwise" -eq "$2" ]
}

@test "heat lists the temporal variant" {
    run parity list
    [ "$status" -eq 0 ]
    echo "$output" | grep -q 'temporal'
}

@test "temporal seq and omp 1/2/3 threads are bitwise explicit seq (n 1100, 13 steps)" {
    D="$BATS_TEST_TMPDIR/omp"
    parity run heat --n 1100 --steps 13 --reps 1 --warmup 0 --out "$D/ref.h5" --quiet
    parity run heat --variant temporal --n 1100 --steps 13 --reps 2 --warmup 0 --out "$D/seq.h5" --quiet
    all_temporal_bitwise "$D" 1
    rm "$D/seq.h5"
    for t in 1 2 3; do
        parity run heat --variant temporal --mode omp --threads $t --n 1100 --steps 13 \
            --reps 2 --warmup 0 --out "$D/omp$t.h5" --quiet
    done
    all_temporal_bitwise "$D" 3
}

@test "temporal mpi 1-4 ranks and hybrid 2x2 are bitwise explicit seq (n 1100, 13 steps)" {
    D="$BATS_TEST_TMPDIR/mpi"
    parity run heat --n 1100 --steps 13 --reps 1 --warmup 0 --out "$D/ref.h5" --quiet
    for p in 1 2 3 4; do
        mpi $p run heat --variant temporal --mode mpi --n 1100 --steps 13 \
            --reps 2 --warmup 0 --out "$D/mpi$p.h5" --quiet
    done
    mpi 2 run heat --variant temporal --mode mpi --threads 2 --n 1100 --steps 13 \
        --reps 1 --warmup 0 --out "$D/hyb.h5" --quiet
    all_temporal_bitwise "$D" 5
}

@test "temporal mpi with blocks thinner than 8: the halo depth shrinks, bits do not (n 7 and 10)" {
    D="$BATS_TEST_TMPDIR/thin"
    for n in 7 10; do
        parity run heat --n $n --steps 13 --reps 1 --warmup 0 --out "$D/$n/ref.h5" --quiet
        for p in 2 3 4; do
            mpi $p run heat --variant temporal --mode mpi --n $n --steps 13 \
                --reps 1 --warmup 0 --out "$D/$n/mpi$p.h5" --quiet
        done
    done
    all_temporal_bitwise "$D/7" 3
    all_temporal_bitwise "$D/10" 3
}

@test "temporal's rate counts the same bytes as explicit's (16 per point per step, + 1 step for init and max)" {
    D="$BATS_TEST_TMPDIR/bytes"
    parity run heat --n 100 --steps 9 --reps 1 --warmup 0 --out "$D/e.h5" --quiet
    parity run heat --variant temporal --n 100 --steps 9 --reps 1 --warmup 0 --out "$D/t.h5" --quiet
    for f in e t; do
        gb=$(h5dump -a /metrics/gbytes_per_s "$D/$f.h5" | awk '/\(0\)/ {print $2}')
        sec=$(h5dump -a /timing/median_seconds "$D/$f.h5" | awk '/\(0\)/ {print $2}')
        # bytes = GB/s x s x 1e9 = 16 x 100^2 x (9 + 1) = 1.6e6, to the 6 digits h5dump prints
        awk -v g="$gb" -v s="$sec" 'BEGIN { b = g * s * 1e9; exit !(b > 1.59e6 && b < 1.61e6) }'
    done
}

@test "verify holds temporal to explicit's bits: one ulp off is a MISMATCH, exit 1" {
    D="$BATS_TEST_TMPDIR/ulp"
    parity run heat --size tiny --reps 1 --warmup 0 --out "$D/ref.h5" --quiet
    parity run heat --size tiny --variant temporal --reps 1 --warmup 0 --out "$D/t.h5" --quiet
    # grid[65] is interior (n = 64, row 1): ~1e-16 is a last-bit change there
    "$PARITY_BUILD/tests/h5perturb" "$D/t.h5" grid 65 1e-17
    run parity verify "$D"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | awk '$5 == "temporal"' | grep -q MISMATCH
}

# Symbols heat.o's code refers to (calls, or addresses taken in code), from
# the relocations of its executable sections; the mode table's pointers to
# the mpi row's hooks are data relocations and do not count.
code_refs() { objdump -dr "$1" | awk '$2 ~ /^R_X86_64_/ && NF >= 3 {sub(/[-+]0x[0-9a-f]+$/, "", $3); print $3}' | sort -u; }

@test "heat.c never calls into heat_mpi.c: the mpi row of the mode table carries its own hooks" {
    obj="$PARITY_BUILD/obj/kernels/heat"
    [ -f "$obj/heat.o" ] && [ -f "$obj/heat_mpi.o" ]
    refs=$(code_refs "$obj/heat.o")
    # the parse must see heat.o's calls at all (heat_alloc is one), or the
    # check below would pass on an empty list
    echo "$refs" | grep -qx heat_alloc
    # functions only (a named omp critical's lock is a common symbol of both)
    mpi_defs=$(nm --defined-only -g "$obj/heat_mpi.o" | awk '$2 == "T" {print $3}' | sort -u)
    [ -n "$mpi_defs" ]
    both=$(comm -12 <(echo "$refs") <(echo "$mpi_defs"))
    echo "heat.o calls into heat_mpi.o: ${both:-nothing}"
    [ -z "$both" ]
}
