#!/usr/bin/env bats
# Every kernel in the registry, every mode, at --size tiny: under --reduce
# repro every run is bitwise equal to seq; under fast within tolerance.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    load helpers
    export CAMPAIGN="$BATS_FILE_TMPDIR/campaign"
    for k in $("$PARITY" list --names); do
        local out="$CAMPAIGN/$k" common=(--size tiny --quiet)
        parity run "$k" "${common[@]}" --outdir "$out"
        for t in 1 2 3; do
            parity run "$k" "${common[@]}" --mode omp --threads "$t" --outdir "$out"
        done
        for p in 1 2 3 4; do
            mpi "$p" run "$k" "${common[@]}" --mode mpi --outdir "$out"
        done
        mpi 2 run "$k" "${common[@]}" --mode mpi --threads 2 --outdir "$out"
        parity run "$k" "${common[@]}" --mode omp --threads 2 --reduce fast --outdir "$out"
        mpi 3 run "$k" "${common[@]}" --mode mpi --reduce fast --outdir "$out"
    done
}

@test "every kernel ran in every mode (11 result files each)" {
    for k in $(parity list --names); do
        n=$(ls "$CAMPAIGN/$k"/*.h5 | wc -l)
        [ "$n" -eq 11 ] || { echo "$k: $n result files"; false; }
    done
}

@test "repro: omp 1-3 threads, mpi 1-4 ranks and hybrid 2x2 are bitwise equal to seq" {
    for k in $(parity list --names); do
        rows=$(verify_rows "$CAMPAIGN/$k" | awk '$4 == "repro"')
        echo "$rows"
        [ "$(echo "$rows" | grep -c ' bitwise ')" -eq 8 ] || { echo "$k: not 8 bitwise"; false; }
        [ "$(echo "$rows" | grep -c ' reference ')" -eq 1 ]
    done
}

@test "fast: native reductions are within the kernel's tolerance" {
    for k in $(parity list --names); do
        rows=$(verify_rows "$CAMPAIGN/$k" | awk '$4 == "fast"')
        echo "$rows"
        [ "$(echo "$rows" | wc -l)" -eq 2 ]
        ! echo "$rows" | grep -q MISMATCH
    done
}

@test "every self-check passed and verify exits 0 on the whole campaign" {
    run parity verify "$CAMPAIGN"
    echo "$output" | tail -1
    [ "$status" -eq 0 ]
    [[ "${lines[-1]}" == *"0 MISMATCH"*"0 self-check(s) failed"* ]]
}
