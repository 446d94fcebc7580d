#!/usr/bin/env bats
# Fault injection on the result writer: the Nth write, rename, fsync or
# H5Dwrite fails (tests/fault/faultshim.c, LD_PRELOAD), in seq and in one MPI
# rank at a time; a full tmpfs where root may mount one.  Every run has a
# watchdog.  Each must end with exit 0 (fault not reached) or 1/2 and one
# "parity:" line, never a signal or a hang, and leave no *.tmp and no *.h5
# that is not complete and valid.  The table goes to the TAP stream (as
# comments) and to $PARITY_BUILD/faults-table.txt.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    load helpers
    export SHIM="$PARITY_BUILD/tests/faultshim.so"
    [ -n "${PARITY_BUILD:-}" ] || export SHIM="$BATS_TEST_DIRNAME/../../build/tests/faultshim.so"
    export REF="$BATS_FILE_TMPDIR/ref"
    export TABLE="$BATS_FILE_TMPDIR/table"
    parity run heat --size tiny --out "$REF/heat.h5" --quiet
    parity run mandelbrot --size tiny --out "$REF/mandelbrot.h5" --quiet
    printf '%-6s %-8s %-5s %-5s %-4s %-6s %-4s %-5s %s\n' mode call N fired exit signal hang lines bad_file >"$TABLE"
}

teardown_file() {
    sed 's/^/# /' "$TABLE" >&3
    cp "$TABLE" "${PARITY_BUILD:-$BATS_FILE_TMPDIR}/faults-table.txt" 2>/dev/null || true
}

# The shim is not built with ASan; ASan must not insist on coming first.
asan_ok() { export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"; }

# Nonzero values in /timing/wall: a run's times are never exactly 0, so a
# zero there is data that never reached the disk.
zero_timings() {
    h5dump -y -d /timing/wall "$1" | sed -n '/DATA {/,/}/p' | tr ', ' '\n\n' |
        grep -cE '^0(\.0*)?$' || true
}

# A finished-looking file is bad unless info reads it, verify finds its
# arrays bitwise equal to the fault-free reference and its timings are there.
bad_file() {
    local f=$1 kernel=$2
    "$PARITY" info "$f" >/dev/null 2>&1 || { echo unreadable; return; }
    local rows
    rows=$(verify_rows "$REF/$kernel.h5" "$f" | grep -c ' bitwise ' || true)
    [ "$rows" -eq 1 ] || { echo "not-bitwise"; return; }
    [ "$(zero_timings "$f")" -eq 0 ] || { echo "lost-timings"; return; }
    echo no
}

# fault MODE RANK CALL N KERNEL: one run with the Nth CALL failing (in MPI
# rank RANK for mode mpi), checked and added to the table.  Fails the test on
# a signal, a hang, a wrong exit code, not one line, a .tmp or a bad file.
fault() {
    local mode=$1 rank=$2 call=$3 n=$4 kernel=$5
    local dir="$BATS_TEST_TMPDIR/$mode$rank-$call-$n" log="$BATS_TEST_TMPDIR/$mode$rank-$call-$n.log"
    local err="$BATS_TEST_TMPDIR/err" rc=0 cmd
    if [ "$mode" = mpi ]; then
        cmd=(mpirun --oversubscribe -np 2 "$PARITY" run "$kernel" --size tiny --mode mpi)
    else
        cmd=("$PARITY" run "$kernel" --size tiny)
    fi
    asan_ok
    LD_PRELOAD="$SHIM" PARITY_FAULT_CALL=$call PARITY_FAULT_N=$n PARITY_FAULT_LOG="$log" \
        PARITY_FAULT_RANK=$rank timeout -s KILL 60 "${cmd[@]}" --outdir "$dir" --quiet \
        2>"$err" >/dev/null || rc=$?
    local fired=no hang=no signal=no lines bad=no f
    [ -s "$log" ] && fired=yes
    [ "$rc" -eq 137 ] && hang=yes
    if [ "$hang" = no ] && { [ "$rc" -gt 128 ] || grep -q 'signal' "$err"; }; then signal=yes; fi
    lines=$(grep -c '^parity:' "$err" || true)
    for f in "$dir"/*.h5; do
        [ -e "$f" ] || continue
        [ "$(bad_file "$f" "$kernel")" = no ] || bad=$(bad_file "$f" "$kernel")
    done
    ls "$dir"/*.tmp >/dev/null 2>&1 && bad=tmp-left
    printf '%-6s %-8s %-5s %-5s %-4s %-6s %-4s %-5s %s\n' "$mode${rank:+/r$rank}" "$call" "$n" \
        "$fired" "$rc" "$signal" "$hang" "$lines" "$bad" | tee -a "$TABLE"
    cat "$err"
    [ "$hang" = no ] && [ "$signal" = no ] && [ "$bad" = no ]
    if [ "$fired" = yes ]; then
        # An injected failure fails the run, with one line; the only file it
        # may leave is a complete one (the folder's fsync failed after the
        # rename, which the run reports).
        [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]
        [ "$lines" -eq 1 ]
    else
        [ "$rc" -eq 0 ] && [ "$lines" -eq 0 ]
        [ "$(ls "$dir"/*.h5 | wc -l)" -eq 1 ]
    fi
}

@test "the shim fires: a failing write is seen (and the run fails)" {
    [ -f "$SHIM" ]
    asan_ok
    run --separate-stderr env LD_PRELOAD="$SHIM" PARITY_FAULT_CALL=write PARITY_FAULT_N=1 \
        "$PARITY" run pi --size tiny --outdir "$BATS_TEST_TMPDIR/o" --quiet
    [ "$status" -eq 1 ]
    assert_one_line_error
    run ! ls "$BATS_TEST_TMPDIR"/o/*.h5
}

@test "seq: the Nth write, rename, fsync or H5Dwrite fails cleanly" {
    # heat --size tiny makes 18 writes, 3 fsyncs, 1 rename, 5 H5Dwrites;
    # N past the last is the control (the run must then succeed).
    for n in 1 2 6 9 13 18 19; do fault seq "" write $n heat; done
    for n in 1 2 3 4; do fault seq "" fsync $n heat; done
    for n in 1 2; do fault seq "" rename $n heat; done
    for n in 1 3 5 6; do fault seq "" H5Dwrite $n heat; done
}

@test "mpi rank 0 (which also writes the metadata) fails cleanly" {
    for n in 1 6 12; do fault mpi 0 write $n heat; done
    fault mpi 0 fsync 2 heat
    fault mpi 0 fsync 3 heat
    fault mpi 0 rename 1 heat
    fault mpi 0 H5Dwrite 4 heat
}

@test "mpi rank 1 (its own block only) fails cleanly, row by row too" {
    fault mpi 1 write 1 heat
    fault mpi 1 fsync 1 heat
    # mandelbrot deals rows cyclically: every row is its own write
    fault mpi 1 write 7 mandelbrot
    fault mpi 1 write 1000 mandelbrot
}

teardown() {
    local m
    for m in "$BATS_TEST_TMPDIR/full" "$BATS_TEST_TMPDIR/shared"; do
        if mountpoint -q "$m"; then umount "$m"; fi
    done
}

# A tmpfs of $1 at $2, or skip saying why.
small_tmpfs() {
    [ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root (running as $(id -un))"
    mkdir -p "$2"
    mount -t tmpfs -o "size=$1" tmpfs "$2" 2>/dev/null || skip "mount -t tmpfs refused here"
}

@test "full tmpfs: refused before computing with one line, nothing left" {
    local d="$BATS_TEST_TMPDIR/full"
    small_tmpfs 200k "$d"
    # --steps 1e7 would compute for minutes: a refusal within the watchdog
    # came before computing.
    run --separate-stderr timeout -s KILL 60 mpirun --oversubscribe -np 2 "$PARITY" run heat \
        --mode mpi --n 256 --steps 1e7 --reps 1 --warmup 0 --outdir "$d"
    [ "$status" -eq 2 ]
    [ "$(printf '%s\n' "${stderr_lines[@]}" | grep -c '^parity:')" -eq 1 ]
    [[ "$stderr" == *"KiB free"* ]]
    run --separate-stderr timeout -s KILL 60 "$PARITY" run heat --n 150 --out "$d/x.h5"
    [ "$status" -eq 2 ]
    assert_one_line_error
    [ -z "$(ls -A "$d")" ]
    umount "$d"
}

@test "two runs filling one tmpfs together: one fails cleanly, no bad file" {
    local d="$BATS_TEST_TMPDIR/shared"
    small_tmpfs 260k "$d"
    # Each ~190 KiB file passes the check made before computing; the disk
    # holds only one, so the second fails at its write or its recheck.
    local rc1=0 rc2=0
    timeout -s KILL 60 "$PARITY" run heat --n 150 --steps 2000 --outdir "$d" --quiet 2>"$d.e1" &
    local p1=$!
    timeout -s KILL 60 "$PARITY" run heat --n 150 --steps 2000 --outdir "$d" --quiet 2>"$d.e2" || rc2=$?
    wait "$p1" || rc1=$?
    cat "$d.e1" "$d.e2"
    for rc in $rc1 $rc2; do [ "$rc" -le 2 ]; done
    [ "$rc1" -ne 0 ] || [ "$rc2" -ne 0 ]
    [ "$(cat "$d.e1" "$d.e2" | grep -c '^parity:')" -le 2 ]
    run ! ls "$d"/*.tmp
    for f in "$d"/*.h5; do
        [ -e "$f" ] || continue
        parity info "$f" >/dev/null
        [ "$(zero_timings "$f")" -eq 0 ]
    done
    umount "$d"
}

@test "--out never replaces an existing file unless --overwrite" {
    local f="$BATS_TEST_TMPDIR/x.h5"
    parity run pi --size tiny --out "$f" --quiet
    local before
    before=$(cksum <"$f")
    run --separate-stderr parity run pi --size tiny --seed 7 --out "$f"
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"exists"*"--overwrite"* ]]
    [ "$(cksum <"$f")" = "$before" ]
    parity run pi --size tiny --seed 7 --out "$f" --overwrite --quiet
    [ "$(cksum <"$f")" != "$before" ]
    run ! ls "$BATS_TEST_TMPDIR"/*.tmp
}

@test "an --outdir past PATH_MAX is refused before any folder is made" {
    local long="$BATS_TEST_TMPDIR/long"
    for _ in $(seq 50); do long="$long/$(printf 'd%.0s' $(seq 99))"; done
    run --separate-stderr parity run pi --size tiny --outdir "$long"
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"PATH_MAX"* ]]
    [ ! -e "$BATS_TEST_TMPDIR/long" ]
}

@test "an unwritable folder is found before computing" {
    local d="$BATS_TEST_TMPDIR/ro"
    mkdir -p "$d"
    if [ "$(id -u)" -eq 0 ]; then
        mount -t tmpfs -o ro,size=64k tmpfs "$d" 2>/dev/null || skip "cannot mount a read-only tmpfs"
    else
        chmod 555 "$d"
    fi
    # --steps 1e7: minutes of computing, so exit 2 within the watchdog means
    # the folder was checked first.
    run --separate-stderr timeout -s KILL 60 "$PARITY" run heat --n 256 --steps 1e7 --reps 1 \
        --warmup 0 --outdir "$d"
    mountpoint -q "$d" && umount "$d"
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"cannot write into folder"* ]]
}

@test "OMP_NUM_THREADS past the --threads limit: one line, exit 2, no crash" {
    OMP_NUM_THREADS=100000 run --separate-stderr timeout -s KILL 60 "$PARITY" run pi \
        --mode omp --size tiny --outdir "$BATS_TEST_TMPDIR/o"
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"OMP_NUM_THREADS=100000"*"4096"* ]]
}

@test "odd kernel names and non-decimal numbers are shown as typed" {
    run --separate-stderr parity run $'pi\x01'
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"'pi\\x01'"* ]]
    run --separate-stderr parity run pi --n 0x10
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"'0x10' is not a valid number"* ]]
}

# Some process's command line contains $1 (pgrep never lists itself).
running_with() { pgrep -f -- "$1" >/dev/null; }

@test "SIGTERM to a sweep's process group: exit 143, no rank outlives the sweep" {
    local C="$BATS_TEST_TMPDIR/term" rc=0
    # its own session and process group, as a batch system or a terminal
    # would make it; `setsid -w` hands back the sweep's exit status.
    setsid -w bash -c 'echo $$ >"$0.pid"; exec "$@"' "$BATS_TEST_TMPDIR/sweep" \
        "$BATS_TEST_DIRNAME/../../jobs/sweep.sh" --kernels iowait --sizes tiny --modes mpi \
        --ranks "2 3" --hybrid "" --reps 1 --warmup 0 --args "--tasks 300 --wait-ms 10" \
        --campaign "$C" \
        >"$BATS_TEST_TMPDIR/out" 2>&1 &
    local waiter=$!
    # the seq baseline first (3 s of waits, as slow under ASan), then an MPI
    # step (1.5 s of waits per rank): stop the sweep in that one
    for _ in $(seq 300); do running_with "--mode mpi .*--outdir $C" && break; sleep 0.1; done
    running_with "--mode mpi .*--outdir $C" || { cat "$BATS_TEST_TMPDIR/out"; false; }
    sleep 1
    kill -TERM -- "-$(cat "$BATS_TEST_TMPDIR/sweep.pid")" || { cat "$BATS_TEST_TMPDIR/out"; false; }
    timeout -s KILL 30 tail --pid="$waiter" -f /dev/null
    wait "$waiter" || rc=$?
    cat "$BATS_TEST_TMPDIR/out"
    [ "$rc" -eq 143 ]
    run ! running_with "--outdir $C"  # checked at once: nothing lingers
    [ -z "$(find "$C" -name '*.tmp')" ]
}
