#!/usr/bin/env bats
# `parity list --format tsv|json` and `--modes`: what scripts read instead of
# re-encoding C facts.  Checked against the human listing, a real result
# file's name and python's JSON parser, so a drift between them fails here.

bats_require_minimum_version 1.5.0
load helpers

tsv() { parity list --format tsv "$@"; }

@test "json is valid, and holds every built-in kernel, the mode table and the models" {
    run parity list --format json
    [ "$status" -eq 0 ]
    echo "$output" >"$BATS_TEST_TMPDIR/l.json"
    run python3 -m json.tool "$BATS_TEST_TMPDIR/l.json"
    [ "$status" -eq 0 ]
    run python3 - "$BATS_TEST_TMPDIR/l.json" $(parity list --names) <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
names = [k["name"] for k in d["kernels"]]
assert names == sys.argv[2:], (names, sys.argv[2:])
assert [m["name"] for m in d["modes"]][:1] == ["seq"] and d["modes"][0]["reference"] is True
for k in d["kernels"]:
    assert "seq" in k["modes"], k["name"]
    assert [p["size"] for p in k["presets"]] == d["sizes"], k["name"]
    for p in k["presets"]:
        assert p["memory_bytes"] > 0 and p["bytes"] >= 0 and p["flops"] > 0, (k["name"], p)
    for p in k["params"]:
        assert p["min"] <= min(p["presets"].values()) and max(p["presets"].values()) <= p["max"], p
print(len(names), "kernels")
EOF
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "json and tsv carry the same texts (each unescaped by its own reader)" {
    # every summary comes back from python's JSON parser exactly as the
    # tsv has it once its \t \n \\ escapes are undone
    run python3 - <<EOF
import json, subprocess
d = json.loads(subprocess.check_output(["$PARITY", "list", "--format", "json"]))
t = subprocess.check_output(["$PARITY", "list", "--format", "tsv"]).decode()
un = lambda s: s.replace("\\\\t", "\t").replace("\\\\n", "\n").replace("\\\\\\\\", "\\\\")
tsv = {r.split("\t")[1]: un(r.split("\t")[2]) for r in t.splitlines() if r.startswith("kernel\t")}
js = {k["name"]: k["summary"] for k in d["kernels"]}
assert tsv == js, (tsv, js)
print("ok", len(js))
EOF
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == ok* ]]
}

@test "tsv: the parameters awk reads are the human listing's, kernel by kernel" {
    for k in $(parity list --names); do
        from_tsv=$(tsv "$k" | awk -F'\t' -v k="$k" '$1 == "param" && $2 == k {
            print $3, $4, $5, $6, $7 }')
        from_human=$(parity list "$k" | awk '/^  parameters/ { p = 1; next }
            p && /^    --/ { sub(/^--/, "", $1); print $1, $2, $3, $4, $5; next } p { exit }')
        echo "$k: tsv [$from_tsv] human [$from_human]"
        [ -n "$from_tsv" ]
        [ "$from_tsv" = "$from_human" ]
    done
}

@test "tsv: every record has the field count its type documents, and nothing empty" {
    run bash -c "'$PARITY' list --format tsv | awk -F'\t' '
        BEGIN { n[\"format\"] = 3; n[\"mode\"] = 6; n[\"size\"] = 2; n[\"file\"] = 2
                n[\"kernel\"] = 6; n[\"kmode\"] = 3; n[\"variant\"] = 5; n[\"param\"] = 10
                n[\"verify\"] = 5; n[\"preset\"] = 7 }
        !(\$1 in n) { print \"unknown record: \" \$0; bad++ }
        (\$1 in n) && NF != n[\$1] { print \"wrong field count: \" \$0; bad++ }
        { for (i = 1; i <= NF; i++) if (\$i == \"\") { print \"empty field: \" \$0; bad++ } }
        END { exit bad > 0 }'"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "tsv: kernels, modes and presets match the registry and the mode table" {
    [ "$(tsv | awk -F'\t' '$1 == "kernel" { print $2 }')" = "$(parity list --names)" ]
    [ "$(tsv | awk -F'\t' '$1 == "mode" { print $2 }' | xargs)" = "seq omp mpi" ]
    [ "$(tsv | awk -F'\t' '$1 == "mode" && $3 == 1 { print $2 }')" = seq ]
    [ "$(tsv | awk -F'\t' '$1 == "mode" && $4 == 1 { print $2 }')" = mpi ]
    [ "$(tsv | awk -F'\t' '$1 == "size" { print $2 }' | xargs)" = "tiny small medium large" ]
    # one preset record per kernel and size
    [ "$(tsv | awk -F'\t' '$1 == "preset"' | wc -l)" -eq $(( 4 * $(parity list --names | wc -l) )) ]
    # heat's memory model grows with n: small (n=2048) holds two grids of 2050^2 doubles
    mem=$(tsv heat | awk -F'\t' '$1 == "preset" && $3 == "small" { print $4 }')
    [ "$mem" -ge $((2 * 2050 * 2050 * 8)) ]
}

@test "--modes prints the mode table; --format human is the default listing" {
    run parity list --modes
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 4 ]
    [[ "${lines[1]}" == "seq "*yes*no*no* ]]
    [[ "${lines[3]}" == "mpi "*no*yes*yes* ]]
    [ "$(parity list --format human pi)" = "$(parity list pi)" ]
}

@test "a custom preset: the models at --PARAM values, checked against the ranges" {
    row=$(tsv heat --n 4096 --steps 64 | awk -F'\t' '$1 == "preset" && $3 == "custom"')
    echo "$row"
    [ "$(echo "$row" | cut -f7)" = "n=4096 steps=64" ]
    # medium's parameters given by hand give medium's models exactly; fewer
    # steps move fewer bytes with the same memory
    med=$(tsv heat | awk -F'\t' '$1 == "preset" && $3 == "medium"' | cut -f4-7)
    same=$(tsv heat --n 4096 --steps 1000 | awk -F'\t' '$1 == "preset" && $3 == "custom"' | cut -f4-7)
    [ "$same" = "$med" ]
    [ "$(echo "$row" | cut -f4)" = "$(echo "$med" | cut -f1)" ]
    [ "$(echo "$row" | cut -f5)" -lt "$(echo "$med" | cut -f2)" ]
    run --separate-stderr parity list --format tsv heat --n 0
    [ "$status" -eq 2 ]
    assert_one_line_error
    run --separate-stderr parity list --format tsv heat --bogus 3
    [ "$status" -eq 2 ]
    assert_one_line_error
    run --separate-stderr parity list heat --n 64
    [ "$status" -eq 2 ]
    assert_one_line_error
}

@test "bad usage is one line and exit 2" {
    for args in "--format xml" "nosuchkernel" "--names pi" "--modes --format tsv" "--frobnicate"; do
        # shellcheck disable=SC2086
        run --separate-stderr parity list $args
        echo "$args: $status $stderr"
        [ "$status" -eq 2 ]
        assert_one_line_error
    done
}

@test "the file scheme the tsv prints is the name parity run gives a file" {
    scheme=$(tsv | awk -F'\t' '$1 == "file" { print $2 }')
    parity run pi --size tiny --mode omp --threads 2 --reps 1 --warmup 0 --quiet --outdir "$BATS_TEST_TMPDIR/r"
    name=$(cd "$BATS_TEST_TMPDIR/r" && ls *.h5)
    glob=${scheme//\{kernel\}/pi}
    glob=${glob//\{mode\}/omp}
    glob=${glob//\{ranks\}/1}
    glob=${glob//\{threads\}/2}
    glob=${glob//\{size\}/tiny}
    glob=${glob//\{id\}/*}
    echo "scheme $scheme glob $glob name $name"
    [[ "$name" == $glob ]]
    # and the match can fail: another thread count is not this file
    [[ "$name" != ${glob/_t2_/_t3_} ]]
}
