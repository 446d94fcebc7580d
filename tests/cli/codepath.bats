#!/usr/bin/env bats
# One per-element code path per --reduce setting: omp with one thread (and
# mpi with one rank) must run exactly seq's loop body, which shows as the
# same result digest under --reduce fast too, where nothing else forces the
# bits to agree.  Failed before the fix: pi seq fast summed 8-accumulator
# blocks while omp fast ran an `omp simd` reduction (different digests).

bats_require_minimum_version 1.5.0
load helpers

digest_of() { "$PARITY" info "$1" | awk '$1 == "result" && $2 == "digest" {sub(",", "", $3); print $3}'; }

@test "every kernel: omp 1 thread gives seq's bits under fast and under repro" {
    D="$BATS_TEST_TMPDIR/d"
    bad=0
    for k in $("$PARITY" list --names); do
        for r in fast repro; do
            parity run "$k" --size tiny --reduce "$r" --reps 1 --warmup 0 --out "$D/$k-$r-seq.h5" --quiet
            parity run "$k" --size tiny --reduce "$r" --reps 1 --warmup 0 --mode omp --threads 1 \
                --out "$D/$k-$r-omp1.h5" --quiet
            s=$(digest_of "$D/$k-$r-seq.h5")
            o=$(digest_of "$D/$k-$r-omp1.h5")
            [ -n "$s" ] && [ -n "$o" ]
            echo "$k $r: seq $s, omp t=1 $o"
            [ "$s" = "$o" ] || bad=1
        done
    done
    [ "$bad" -eq 0 ]
}

@test "pi fast: mpi 1 rank equals seq bitwise" {
    D="$BATS_TEST_TMPDIR/m"
    parity run pi --size tiny --reduce fast --reps 1 --warmup 0 --out "$D/seq.h5" --quiet
    mpi 1 run pi --size tiny --reduce fast --reps 1 --warmup 0 --mode mpi --out "$D/mpi1.h5" --quiet
    [ "$(digest_of "$D/seq.h5")" = "$(digest_of "$D/mpi1.h5")" ]
}

@test "the digest comparison can fail: different problems give different digests" {
    D="$BATS_TEST_TMPDIR/f"
    parity run pi --n 1000 --reduce fast --reps 1 --warmup 0 --out "$D/a.h5" --quiet
    parity run pi --n 1001 --reduce fast --reps 1 --warmup 0 --out "$D/b.h5" --quiet
    a=$(digest_of "$D/a.h5")
    b=$(digest_of "$D/b.h5")
    [ -n "$a" ] && [ "$a" != "$b" ]
}
