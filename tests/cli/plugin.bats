#!/usr/bin/env bats
# Bring your own kernel: `make install DESTDIR=...` gives headers and parity.pc;
# the example (examples/jacobi1d) is built against the INSTALLED headers only
# and run in every mode, bitwise equal under repro; every bad plugin
# (tests/plugins/bad.c, one -DBAD_* per case) gets one line, exit 2, no file.

bats_require_minimum_version 1.5.0
load helpers

ROOT="$BATS_TEST_DIRNAME/../.."

setup_file() {
    local root build stage
    root=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    build=$(cd "$(dirname "$PARITY")" && pwd)
    stage="$BATS_FILE_TMPDIR/stage"
    # -o: never rebuild parity from here (check-asan's build has its own flags).
    make -s -C "$root" -o "$build/parity" install BUILD="$build" DESTDIR="$stage" \
        PREFIX=/usr/local >"$BATS_FILE_TMPDIR/install.log" 2>&1
    # The example, copied away from the source tree, built against the stage only.
    cp -r "$root/examples/jacobi1d" "$BATS_FILE_TMPDIR/jacobi1d"
    rm -f "$BATS_FILE_TMPDIR/jacobi1d/"*.so
    PKG_CONFIG_PATH="$stage/usr/local/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage" \
        make -C "$BATS_FILE_TMPDIR/jacobi1d" >"$BATS_FILE_TMPDIR/example.log" 2>&1
    # The bad plugins, from one source, against the stage's headers too.
    mkdir -p "$BATS_FILE_TMPDIR/bad"
    local c
    for c in GOOD BAD_RANGE BAD_PRESET BAD_PARAM_NAME BAD_SETUP BAD_CRASH BAD_NO_SEQ \
             BAD_MODE_NAME BAD_NO_RUN BAD_API BAD_NO_NAME BAD_BUILTIN_NAME BAD_NO_CHECK \
             BAD_NO_ENTRY; do
        cc -I"$stage/usr/local/include" -ffp-contract=off -O1 -fPIC -shared -D"$c" \
            -o "$BATS_FILE_TMPDIR/bad/$c.so" "$root/tests/plugins/bad.c"
    done
    echo "not an ELF file" >"$BATS_FILE_TMPDIR/bad/NOT_ELF.so"
    cc -O1 -c -fPIC -o "$BATS_FILE_TMPDIR/bad/OBJECT.so" "$root/tests/plugins/bad.c" \
        -I"$stage/usr/local/include"
}

setup() {
    STAGE="$BATS_FILE_TMPDIR/stage"
    SO="$BATS_FILE_TMPDIR/jacobi1d/jacobi1d.so"
    BAD="$BATS_FILE_TMPDIR/bad"
    OUT="$BATS_TEST_TMPDIR/out"
    mkdir -p "$OUT"
}

# The /result digest `parity info` shows (every array, every element).
digest_of() {
    parity info "$1" | awk '$1 == "result" && $2 == "digest" {sub(/,$/, "", $3); print $3}'
}

# A root attribute of a result file, as text.
root_attr() {
    h5dump -a "/$2" "$1" | sed -n 's/.*(0): "\(.*\)".*/\1/p'
}

@test "install puts parity, the API headers and parity.pc with the bitwise flags" {
    [ -x "$STAGE/usr/local/bin/parity" ]
    for h in "$ROOT"/include/parity/*.h; do
        cmp "$h" "$STAGE/usr/local/include/parity/$(basename "$h")"
    done
    run env PKG_CONFIG_PATH="$STAGE/usr/local/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$STAGE" \
        pkg-config --cflags parity
    [ "$status" -eq 0 ]
    [[ " $output " == *" -I$STAGE/usr/local/include "* ]]
    [[ " $output " == *" -ffp-contract=off "* ]]
    [[ " $output " == *" -fno-fast-math "* ]]
    run env PKG_CONFIG_PATH="$STAGE/usr/local/lib/pkgconfig" pkg-config --variable=mpicc parity
    [ "$status" -eq 0 ]
    command -v "$output"
}

@test "uninstall removes everything install put" {
    local build stage="$BATS_TEST_TMPDIR/again"
    build=$(cd "$(dirname "$PARITY")" && pwd)
    make -s -C "$ROOT" -o "$build/parity" install BUILD="$build" DESTDIR="$stage" >/dev/null
    [ -n "$(find "$stage" -type f)" ]
    make -s -C "$ROOT" -o "$build/parity" uninstall BUILD="$build" DESTDIR="$stage" >/dev/null
    run find "$stage" -type f
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

@test "every non-inline function of the installed API is exported by parity" {
    local fns
    # Declarations start in column 0; the static inline helpers say so.
    fns=$(grep -hE '^[a-z][a-z_ 0-9]*[ *]parity_[a-z_0-9]+\(' "$STAGE"/usr/local/include/parity/*.h |
          grep -v '^static' | sed -E 's/.*[ *](parity_[a-z_0-9]+)\(.*/\1/' | sort -u)
    [ -n "$fns" ]
    for f in $fns; do
        nm -D --defined-only "$PARITY" | awk '{print $3}' | grep -qx "$f" ||
            { echo "$f is declared in <parity/*.h> but parity does not export it"; false; }
    done
}

@test "the example builds against the installed headers only" {
    grep -q -- "-I$STAGE/usr/local/include" "$BATS_FILE_TMPDIR/example.log"
    run grep -F -- "-I$ROOT" "$BATS_FILE_TMPDIR/example.log"
    [ "$status" -ne 0 ]
    [ -f "$SO" ]
}

@test "the example runs seq, omp 1/2/3, mpi 1/2/3 and hybrid, all bitwise equal" {
    local size=(--n 20000 --steps 20) # 10 repro blocks: every rank of 3 has points
    parity run "$SO" "${size[@]}" --out "$OUT/seq.h5" --quiet
    for t in 1 2 3; do
        parity run "$SO" --mode omp --threads $t "${size[@]}" --out "$OUT/omp$t.h5" --quiet
    done
    for p in 1 2 3; do
        mpi $p run "$SO" --mode mpi "${size[@]}" --out "$OUT/mpi$p.h5" --quiet
    done
    mpi 2 run "$SO" --mode mpi --threads 2 "${size[@]}" --out "$OUT/hybrid.h5" --quiet
    local ref
    ref=$(digest_of "$OUT/seq.h5")
    [ -n "$ref" ]
    for f in "$OUT"/*.h5; do
        [ "$(digest_of "$f")" = "$ref" ] || { echo "$f: $(digest_of "$f") != $ref"; false; }
    done
    [ "$(ls "$OUT"/*.h5 | wc -l)" -eq 8 ]
    # The same seen by verify: 1 reference, 7 bitwise.
    run parity verify "$OUT"
    [ "$status" -eq 0 ]
    [[ "$output" == *"8 run(s): 1 reference, 7 bitwise, 0 within tolerance, 0 MISMATCH"* ]]
}

@test "verify, report, info and compare read a plugin's files without the plugin" {
    local d="$BATS_TEST_TMPDIR/gone"
    cp -r "$BATS_FILE_TMPDIR/jacobi1d" "$d"
    local size=(--n 20000 --steps 20 --reps 4)
    parity run "$d/jacobi1d.so" "${size[@]}" --outdir "$OUT/a" --quiet
    mpi 2 run "$d/jacobi1d.so" --mode mpi "${size[@]}" --outdir "$OUT/a" --quiet
    parity run "$d/jacobi1d.so" "${size[@]}" --outdir "$OUT/b" --quiet
    rm -rf "$d" # the plugin is gone: only the files speak
    run parity verify "$OUT/a"
    [ "$status" -eq 0 ]
    [[ "$output" == *"1 reference, 1 bitwise"*"0 MISMATCH"* ]]
    run parity info "$(ls "$OUT"/a/jacobi1d_seq_*.h5)"
    [ "$status" -eq 0 ]
    [[ "$output" == *"kernel    jacobi1d: damped Jacobi"*"(version 1.0, kernel API 1; facts from the file)"* ]]
    run parity report "$OUT/a" --out "$OUT/report"
    [ "$status" -eq 0 ]
    grep -q jacobi1d "$OUT/report/report.md"
    grep -q jacobi1d "$OUT/report/results.csv"
    # Same results; the timing verdict is the machine's (exit 1 if "slower").
    run parity compare "$OUT/a" "$OUT/b"
    [ "$status" -le 1 ]
    [[ "$output" == *"1 matched: 1 identical, 0 within tolerance, 0 DIFFERENT"* ]]
}

@test "the example's self-check fails on a wrong result" {
    # A build that skips the halo exchange: mpi 2 must fail its self-check.
    local d="$BATS_TEST_TMPDIR/nohalo"
    cp -r "$BATS_FILE_TMPDIR/jacobi1d" "$d"
    sed -i 's/^    MPI_Sendrecv(&s->u\[1\]/    if (0) MPI_Sendrecv(\&s->u[1]/' "$d/jacobi1d_mpi.c"
    run grep -c 'if (0) MPI_Sendrecv' "$d/jacobi1d_mpi.c"
    [ "$output" -eq 1 ]
    rm -f "$d"/*.so
    PKG_CONFIG_PATH="$STAGE/usr/local/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$STAGE" \
        make -s -C "$d" >/dev/null 2>&1
    run mpi 2 run "$d/jacobi1d.so" --mode mpi --n 20000 --steps 20 --outdir "$OUT" --quiet
    [ "$status" -eq 1 ]
}

@test "result files record the plugin's path, SHA-256 and version; two builds differ" {
    parity run "$SO" --size tiny --out "$OUT/a.h5" --quiet
    [ "$(root_attr "$OUT/a.h5" kernel_origin)" = plugin ]
    [ "$(root_attr "$OUT/a.h5" plugin_path)" = "$(realpath "$SO")" ]
    [ "$(root_attr "$OUT/a.h5" plugin_sha256)" = "$(sha256sum "$SO" | cut -d' ' -f1)" ]
    [ "$(root_attr "$OUT/a.h5" plugin_version)" = 1.0 ]
    # Another build of the same kernel: told apart by digest and version.
    local d="$BATS_TEST_TMPDIR/v2"
    cp -r "$BATS_FILE_TMPDIR/jacobi1d" "$d"
    rm -f "$d"/*.so
    PKG_CONFIG_PATH="$STAGE/usr/local/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$STAGE" \
        make -s -C "$d" VERSION=2.0 >/dev/null 2>&1
    parity run "$d/jacobi1d.so" --size tiny --out "$OUT/b.h5" --quiet
    [ "$(root_attr "$OUT/b.h5" plugin_version)" = 2.0 ]
    [ "$(root_attr "$OUT/b.h5" plugin_sha256)" != "$(root_attr "$OUT/a.h5" plugin_sha256)" ]
    # A built-in kernel says so.
    parity run pi --size tiny --out "$OUT/pi.h5" --quiet
    [ "$(root_attr "$OUT/pi.h5" kernel_origin)" = built-in ]
}

@test "NAME is found as NAME.so on PARITY_KERNEL_PATH" {
    PARITY_KERNEL_PATH="/nonexistent::$(dirname "$SO")" \
        parity run jacobi1d --size tiny --out "$OUT/j.h5" --quiet
    [ -f "$OUT/j.h5" ]
    run --separate-stderr env PARITY_KERNEL_PATH="$(dirname "$SO")" "$PARITY" run nosuch
    [ "$status" -eq 2 ]
    assert_one_line_error
}

# case  what the one line must say
BAD_CASES=(
    "NOT_ELF|not a shared object"
    "OBJECT|not a shared object"
    "BAD_NO_ENTRY|no parity_kernel_entry symbol"
    "BAD_API|kernel API version"
    "BAD_NO_NAME|has no name"
    "BAD_BUILTIN_NAME|is a built-in kernel's"
    "BAD_NO_SEQ|no \"seq\" mode"
    "BAD_MODE_NAME|mode 'gpu' is not one of parity's modes"
    "BAD_NO_RUN|mode omp: setup or run is NULL"
    "BAD_RANGE|range min 100 > max 1"
    "BAD_PRESET|preset large = 5000 is outside"
    "BAD_PARAM_NAME|parameter --threads"
    "BAD_NO_CHECK|the check hook is NULL"
    "BAD_SETUP|setup failed"
    "BAD_CRASH|crashed (SIGSEGV)"
)

@test "the control plugin (no mistake) runs and passes" {
    run --separate-stderr parity run "$BAD/GOOD.so" --outdir "$OUT" --quiet
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$(ls "$OUT" | wc -l)" -eq 1 ]
}

@test "each bad plugin: one line naming the problem, exit 2, no file at all" {
    # Every case runs and every failure is listed (not only the first), so a
    # loader with one check removed shows exactly which case caught it.
    local row c want failed=""
    for row in "${BAD_CASES[@]}"; do
        c=${row%%|*}
        want=${row#*|}
        rm -rf "$OUT" && mkdir -p "$OUT"
        run --separate-stderr parity run "$BAD/$c.so" --outdir "$OUT" --quiet
        if [ "$status" -ne 2 ]; then
            failed+="$c: status $status: $stderr"$'\n'
        elif ! assert_one_line_error >/dev/null 2>&1; then
            failed+="$c: ${#stderr_lines[@]} lines on stderr: $stderr"$'\n'
        elif [[ "$stderr" != *"$want"* ]]; then
            failed+="$c: '$stderr' lacks '$want'"$'\n'
        elif [ -n "$(ls -A "$OUT")" ]; then
            failed+="$c: left $(ls -A "$OUT")"$'\n'
        fi
    done
    printf '%s' "$failed"
    [ -z "$failed" ]
}

@test "a plugin built against another MPI is refused" {
    command -v mpicc.mpich >/dev/null || skip "MPICH not installed"
    [[ "$(ldd "$PARITY")" == *libmpi.so.40* ]] || skip "this parity is not the Open MPI build"
    mpicc.mpich -I"$STAGE/usr/local/include" -fPIC -shared -fopenmp \
        -DJACOBI1D_VERSION='"x"' -o "$BATS_TEST_TMPDIR/jacobi1d.so" \
        "$BATS_FILE_TMPDIR/jacobi1d/jacobi1d.c" "$BATS_FILE_TMPDIR/jacobi1d/jacobi1d_mpi.c" -lm
    run --separate-stderr parity run "$BATS_TEST_TMPDIR/jacobi1d.so" --outdir "$OUT"
    [ "$status" -eq 2 ]
    assert_one_line_error
    [[ "$stderr" == *"linked against libmpich"*"this parity uses libmpi.so.40"* ]]
    [ -z "$(ls -A "$OUT")" ]
}

@test "a plugin that crashes under MPI leaves no file, finished-looking or not" {
    run --separate-stderr mpi 2 run "$BAD/BAD_CRASH.so" --mode mpi --outdir "$OUT" --quiet
    [ "$status" -ne 0 ]
    [[ "$stderr" == *"kernel tiny ("*") crashed (SIGSEGV) on rank "* ]]
    [ -z "$(ls -A "$OUT")" ]
    # The control: the same plugin without the crash writes its file under MPI.
    mpi 2 run "$BAD/GOOD.so" --mode mpi --outdir "$OUT" --quiet
    [ "$(ls -A "$OUT" | wc -l)" -eq 1 ]
}

@test "parity list shows plugins on PARITY_KERNEL_PATH, marked, in every format" {
    local dir
    dir=$(dirname "$SO")
    run parity list --names
    [[ "$output" != *jacobi1d* ]]
    PARITY_KERNEL_PATH="$dir" run parity list --names
    [ "${lines[-1]}" = jacobi1d ]
    PARITY_KERNEL_PATH="$dir" run parity list
    [[ "$output" == *"jacobi1d — "*"  plugin      $(realpath "$SO") (version 1.0, sha256 "* ]]
    run parity list --format tsv "$SO"
    [ "$status" -eq 0 ]
    [ "$(awk -F'\t' '$1 == "kernel" {print $2}' <<<"$output")" = jacobi1d ]
    [ "$(awk -F'\t' '$1 == "plugin" {print $4}' <<<"$output")" = "$(sha256sum "$SO" | cut -d' ' -f1)" ]
    [ "$(awk -F'\t' '$1 == "kmode" {print $3}' <<<"$output" | xargs)" = "seq omp mpi" ]
    run parity list --format json "$SO"
    [ "$status" -eq 0 ]
    python3 -c 'import json,sys; k=json.load(sys.stdin)["kernels"][0]; assert k["plugin"]["path"].endswith("/jacobi1d.so"), k' <<<"$output"
    # A built-in kernel is no plugin: no plugin record.
    run parity list --format tsv pi
    [ "$(awk -F'\t' '$1 == "plugin"' <<<"$output" | wc -l)" -eq 0 ]
    # A bad plugin named on the command line: one line, exit 2.
    run --separate-stderr parity list --format tsv "$BAD/BAD_RANGE.so"
    [ "$status" -eq 2 ]
    assert_one_line_error
}

@test "a tiny sweep of the plugin by path: every mode, verified and reported" {
    grep -q '^plan_kernel()' "$ROOT/jobs/lib/plan.sh" ||
        skip "these jobs/ take kernel names only (a path needs the jobs that read parity list --format tsv)"
    cp "$SO" "$BATS_TEST_TMPDIR/jacobi1d.so"
    cd "$BATS_TEST_TMPDIR"
    run env PARITY="$PARITY" "$ROOT/jobs/sweep.sh" --kernels ./jacobi1d.so --sizes tiny \
        --threads 1,2 --ranks 2 --hybrid 2x2 --args '--steps 5' --campaign jac \
        --results "$BATS_TEST_TMPDIR/results"
    [ "$status" -eq 0 ]
    [[ "$output" == *"5 run(s): 1 reference, 4 bitwise, 0 within tolerance, 0 MISMATCH"* ]]
    [[ "$output" == *"every planned run is done and every parallel result matches seq"* ]]
    [ "$(ls results/jac/jacobi1d_*.h5 | wc -l)" -eq 5 ]
    grep -q jacobi1d results/jac/report/report.md
}
