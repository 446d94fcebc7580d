#!/usr/bin/env bats
# `parity report`: on a fabricated campaign (real runs whose repetition times
# are then set by tests/tools/h5settime, so every number is known by hand) and
# on a real one; missing pieces (no seq run, one repetition, a corrupt file,
# no gnuplot) must not break it.

bats_require_minimum_version 1.5.0
load helpers

# fab NAME BASE_SECONDS run-args...: a 5-repetition run in $F whose times are
# BASE x (0.98, 0.99, 1, 1.01, 1.02), so its median is BASE.  taskset: every
# run sees exactly 2 CPUs, whatever the machine has.
fab() {
    local name=$1 base=$2
    shift 2
    taskset -c 0,1 "$PARITY" run pi --reps 5 --warmup 0 --quiet --out "$F/$name.h5" "$@" || true
    "$PARITY_BUILD/tests/h5settime" "$F/$name.h5" \
        $(awk -v b="$base" 'BEGIN { printf "%.12g %.12g %.12g %.12g %.12g", b*.98, b*.99, b, b*1.01, b*1.02 }')
}

setup_file() {
    load helpers
    export F="$BATS_FILE_TMPDIR/fab" R="$BATS_FILE_TMPDIR/real"
    # n=1e4: omp twice as slow as seq; n=1e6: 1.6x faster on 2 threads, 1.25x
    # on 4 (oversubscribed); n=1e5: 8 threads 4x faster (more than 2 CPUs can
    # give: waiting work), and a wrong (perturbed racy) answer.
    fab seq_1e4 1e-5 --n 1e4
    fab omp2_1e4 2e-5 --n 1e4 --mode omp --threads 2
    fab seq_1e5 1e-4 --n 1e5
    fab omp8_1e5 2.5e-5 --n 1e5 --mode omp --threads 8
    fab racy_1e5 5e-5 --n 1e5 --mode omp --threads 2 --variant racy
    "$PARITY_BUILD/tests/h5perturb" "$F/racy_1e5.h5" value 0 1e-3
    fab seq_1e6 1e-3 --n 1e6
    fab omp2_1e6 6.25e-4 --n 1e6 --mode omp --threads 2
    fab omp4_1e6 8e-4 --n 1e6 --mode omp --threads 4
    # A real small campaign, timings as measured.
    parity run pi --size tiny --outdir "$R" --quiet
    parity run pi --size tiny --mode omp --threads 2 --outdir "$R" --quiet
    parity run pi --size tiny --mode omp --threads 4 --outdir "$R" --quiet
    mpi 2 run pi --size tiny --mode mpi --outdir "$R" --quiet
    parity run pi --n 1e4 --outdir "$R" --quiet
    parity run pi --n 1e4 --mode omp --threads 2 --outdir "$R" --quiet
}

# csv FILE COLUMN...: the named columns of every data row, tab-separated
# (quoted fields with commas handled; plain awk, no gawk needed).
csv() {
    local file=$1
    shift
    awk -v want="$*" '
        function split_csv(line, f,    n, i, c, q, cur) {
            n = 0; cur = ""; q = 0
            for (i = 1; i <= length(line); i++) {
                c = substr(line, i, 1)
                if (q) {
                    if (c == "\"" && substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
                    else if (c == "\"") q = 0
                    else cur = cur c
                } else if (c == "\"") q = 1
                else if (c == ",") { f[++n] = cur; cur = "" }
                else cur = cur c
            }
            f[++n] = cur
            return n
        }
        NR == 1 { n = split_csv($0, head); for (i = 1; i <= n; i++) col[head[i]] = i
                  k = split(want, w, " ")
                  for (i = 1; i <= k; i++) if (!(w[i] in col)) { print "no column " w[i] > "/dev/stderr"; exit 1 }
                  next }
        { split_csv($0, f); line = ""
          for (i = 1; i <= k; i++) line = line (i > 1 ? "\t" : "") f[col[w[i]]]
          print line }' "$file"
}

@test "fabricated campaign: speedup, efficiency, Karp-Flatt and interval from the repetitions" {
    run parity report "$F" --out "$BATS_TEST_TMPDIR/r"
    echo "$output"
    [ "$status" -eq 0 ]
    row=$(csv "$BATS_TEST_TMPDIR/r/results.csv" n mode threads variant speedup speedup_lo95 \
          speedup_hi95 efficiency karp_flatt oversubscribed | awk '$1 == 1000000 && $2 == "omp" && $3 == 2')
    echo "$row"
    # 1e-3 / 6.25e-4 = 1.6 on 2 cores: efficiency 0.8, e = (1/1.6 - 1/2)/(1 - 1/2) = 0.25
    [ "$(cut -f5 <<<"$row")" = 1.6 ]
    [ "$(cut -f8 <<<"$row")" = 0.8 ]
    [ "$(cut -f9 <<<"$row")" = 0.25 ]
    # The bootstrap interval lies within the range ratio [.98/1.02, 1.02/.98] x 1.6.
    awk -F'\t' '{ exit !($6 >= 1.6*.98/1.02 - 1e-9 && $6 < 1.6 && $7 > 1.6 && $7 <= 1.6*1.02/.98 + 1e-9) }' <<<"$row"
    grep -E '^\| omp +\| 1×2 +\| +625 µs \[61[23] µs–63[78] µs\] \| +1\.60 \[1\.[0-9]+, 1\.[0-9]+\] \| +80 % \| +0\.250 \|' \
        "$BATS_TEST_TMPDIR/r/report.md"
    # Oversubscribed run flagged in the table.
    grep -E '^\| omp +\| 1×4 .*oversubscribed: 4 on 2 CPUs' "$BATS_TEST_TMPDIR/r/report.md"
}

@test "fabricated campaign: Amdahl fit and break-even size (interpolated and from the overhead fit)" {
    run parity report "$F" --out "$BATS_TEST_TMPDIR/r"
    [ "$status" -eq 0 ]
    md="$BATS_TEST_TMPDIR/r/report.md"
    # Only the 2-thread run is within the cores: f = its Karp-Flatt 0.25;
    # S(4) = 1/(0.25 + 0.75/4) = 2.29, S(20) = 1/(0.25 + 0.75/20) = 3.48.
    grep -E '^\| pi n=1000000 seed=1 +\| omp +\| +1 \(P = 2\) \| +0\.2500 \| .*2\.29 \(4 cores\) \| +3\.48 \(20 cores\) \|' "$md"
    # T/T_seq: 2 at n=1e4, 0.625 at n=1e6; on log-log axes 1 is crossed at
    # n = 1e4 * 100^(ln 2 / ln 3.2) = 1.56e5.  Fit T = b T_seq + o through
    # (1e-5, 2e-5), (1e-3, 6.25e-4): b = 0.611, o = 13.9 us; T_seq = o/(1-b)
    # = 35.7 us, which seq reaches at n = 3.57e4.
    grep -E '^\| omp 1×2 +\| +0\.50 → 1\.60 \| +n ≈ 1\.56e\+05 \| +13\.9 µs \| +0\.611 \| +3\.57e\+04 \|' "$md"
    [[ "$output" == *"break-even: pi seed=1 omp 1×2 beats seq from n ≈ 1.56e+05"* ]]
    [ -s "$BATS_TEST_TMPDIR/r/pi_seed1_time.png" ]
}

@test "fabricated campaign: 'What this campaign shows' states the five findings with their numbers" {
    run parity report "$F" --out "$BATS_TEST_TMPDIR/r"
    [ "$status" -eq 0 ]
    shows=$(sed -n '/^## What this campaign shows/,/^## pi/p' "$BATS_TEST_TMPDIR/r/report.md")
    echo "$shows"
    grep -F '**Waiting work speeds up past the core count.** `pi n=100000 seed=1`: omp 1×8 (8 workers on 2 CPUs) ran 4.00×' <<<"$shows"
    grep -F '**CPU-bound work stops at the core count.** `pi n=1000000 seed=1`: omp 1×2 reached 1.60×' <<<"$shows"
    grep -F '**Oversubscribed CPU-bound runs get slower.** `pi n=1000000 seed=1`: omp 1×4 (4 workers on 2 CPUs) took 800 µs' <<<"$shows"
    grep -F '**Small problems are slower in parallel.** `pi seed=1`: omp 1×2 runs at 0.50× the speed of seq at n=10000' <<<"$shows"
    grep -F 'breaks even at n=1.56e+05' <<<"$shows"
    grep -F '**A wrong parallel answer is caught.** `pi n=100000 seed=1` omp racy 1×2 (variant racy' <<<"$shows"
    [[ "$shows" != *'Not shown by'* ]]
    # The wrong answer is also in the terminal summary.
    [[ "$output" == *"MISMATCH: pi n=100000 seed=1 omp racy 1×2 variant racy: value: 1 of 1 differ"* ]]
}

@test "a finding the data does not support is not stated" {
    C="$BATS_TEST_TMPDIR/c"
    mkdir -p "$C"
    cp "$F"/seq_1e6.h5 "$F"/omp2_1e6.h5 "$C"/
    run parity report "$C"
    [ "$status" -eq 0 ]
    md="$C/report/report.md"
    run ! grep -F -e 'Waiting work speeds up' -e 'stops at the core count.**' -e 'get slower.**' \
        -e 'Small problems are slower' -e 'wrong parallel answer is caught' "$md"
    grep -F 'Every parallel answer matches seq' "$md"
    grep -F 'no run used more workers than CPUs' "$md"
}

@test "real campaign: report.md, results.csv, PNG plots and a short summary" {
    run parity report "$R"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "report: 6 run(s), 2 problem(s), 1 host(s) -> $R/report/report.md"* ]]
    [ "${#lines[@]}" -le 12 ]
    [[ "$output" == *"pi n=1000000 seed=1"*" omp "*" mpi "*"2×1"* ]]
    for png in pi_n1000000_seed1_speedup pi_n1000000_seed1_efficiency pi_seed1_time; do
        [ "$(head -c 8 "$R/report/$png.png" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]
    done
    md="$R/report/report.md"
    for s in '## What this campaign shows' '### pi n=1000000 seed=1' 'speedup vs seq [95 % CI]' \
             'Karp–Flatt e' 'GFLOP/s' '### Amdahl fit' '### Time vs size and break-even: pi seed=1' \
             '## Verification' '## How the numbers are made' 'percentile bootstrap'; do
        grep -qF -- "$s" "$md" || { echo "missing: $s"; false; }
    done
    grep -F '(pi_n1000000_seed1_speedup.png)' "$md"
}

@test "real campaign: results.csv has one row per run, every /run attribute, and its numbers add up" {
    parity report "$R" >/dev/null
    f="$R/report/results.csv"
    [ "$(($(wc -l <"$f") - 1))" -eq "$(ls "$R"/*.h5 | wc -l)" ]
    one=$(ls "$R"/*.h5 | head -1)
    head -1 "$f" | tr ',' '\n' >"$BATS_TEST_TMPDIR/cols"
    for a in $(h5dump -A -g /run "$one" | sed -n 's/.*ATTRIBUTE "\(.*\)".*/\1/p'); do
        grep -qx "$a" "$BATS_TEST_TMPDIR/cols" || { echo "no column $a"; false; }
    done
    # median_s is the median of /timing/wall, for every file.
    csv "$f" file median_s | while IFS=$'\t' read -r file median; do
        m=$(h5dump -y -w 0 -m %.17g -d /timing/wall "$file" | sed -n '/DATA {/,/}/p' | sed '1d;$d' |
            tr ',' '\n' | tr -d ' ' | grep . | sort -g |
            awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
        awk -v a="$median" -v b="$m" 'BEGIN { exit !(a > 0 && (a - b) / b < 1e-6 && (b - a) / b < 1e-6) }' ||
            { echo "$file: csv $median, wall median $m"; false; }
    done
    # speedup = seq median / median; efficiency = speedup / cores; lo <= S <= hi.
    seq=$(csv "$f" n mode median_s | awk '$1 == 1000000 && $2 == "seq" { print $3 }')
    csv "$f" n mode ranks threads median_s speedup speedup_lo95 speedup_hi95 efficiency karp_flatt |
        awk -F'\t' -v s="$seq" '$1 == 1000000 && $2 != "seq" {
            p = $3 * $4; S = s / $5; e = (1 / S - 1 / p) / (1 - 1 / p)
            if (($6 - S) / S > 1e-5 || (S - $6) / S > 1e-5) { print "speedup " $0; bad = 1 }
            if ($7 > $6 || $8 < $6) { print "interval " $0; bad = 1 }
            if (($9 - S / p) > 1e-5 || (S / p - $9) > 1e-5) { print "efficiency " $0; bad = 1 }
            # relative: under load S is tiny and e large (~100), and the CSV
            # keeps 6 significant digits
            d = $10 - e; if (d < 0) d = -d; m = e < 0 ? -e : e
            if (d > 1e-4 * (1 + m)) { print "karp-flatt " $0; bad = 1 }
            n++ } END { exit bad || n != 3 }'
}

@test "no seq run: speedups against the smallest parallel run, said so" {
    N="$BATS_TEST_TMPDIR/noseq"
    parity run pi --size tiny --mode omp --threads 1 --outdir "$N" --quiet
    parity run pi --size tiny --mode omp --threads 2 --outdir "$N" --quiet
    run parity report "$N"
    [ "$status" -eq 0 ]
    grep -F 'Speedup against omp 1×1 (no seq run).' "$N/report/report.md"
    grep -E '^\| omp +\| 1×1 .*\| +1 \(baseline\) \|' "$N/report/report.md"
    # speedup = T(1 thread) / T(2 threads); efficiency = speedup * 1 / 2
    csv "$N/report/results.csv" threads median_s speedup efficiency | sort -n |
        awk -F'\t' 'NR == 1 { t1 = $2 } NR == 2 { S = t1 / $2; exit !(($3 - S) / S < 1e-5 && (S - $3) / S < 1e-5 && ($4 - S / 2) < 1e-5 && (S / 2 - $4) < 1e-5) }'
}

@test "a single repetition: no interval, said so" {
    S="$BATS_TEST_TMPDIR/one"
    parity run pi --size tiny --reps 1 --outdir "$S" --quiet
    parity run pi --size tiny --reps 1 --mode omp --threads 2 --outdir "$S" --quiet
    run parity report "$S"
    [ "$status" -eq 0 ]
    grep -E '^\| omp .*\| +[0-9.]+ \| .*1 repetition: no interval' "$S/report/report.md"
    [ "$(csv "$S/report/results.csv" mode speedup speedup_lo95 | awk -F'\t' '$1 == "omp" { print $2 != "" && $3 == "" }')" = 1 ]
}

@test "a corrupt file is skipped and named; the report is still written; exit 1" {
    C="$BATS_TEST_TMPDIR/corrupt"
    cp -r "$R" "$C"
    rm -rf "$C/report"
    head -c 3000 "$(ls "$C"/*.h5 | head -1)" >"$C/broken.h5"
    run --separate-stderr parity report "$C"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == *"broken.h5"* ]]
    [[ "$output" == *"skipped (unreadable): $C/broken.h5"* ]]
    grep -F "## Skipped files" "$C/report/report.md"
    grep -F "$C/broken.h5" "$C/report/report.md"
    [ "$(($(wc -l <"$C/report/results.csv") - 1))" -eq 6 ]
}

@test "without gnuplot the report and CSV are written and one line says the plots were skipped" {
    out="$BATS_TEST_TMPDIR/nognuplot"
    run env PATH=/nonexistent "$PARITY" report "$R" --out "$out"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -c 'plots skipped' <<<"$output")" -eq 1 ]
    [[ "$output" == *"plots skipped: gnuplot not found"* ]]
    [ -s "$out/report.md" ] && [ -s "$out/results.csv" ]
    [ -z "$(find "$out" -name '*.png')" ]
    grep -F 'plots skipped' "$out/report.md"
}

@test "bad usage and unreadable input: one line, exit 2" {
    for args in "" "--bogus $R" "$R $R" "$BATS_TEST_TMPDIR/none" "$R --out"; do
        run --separate-stderr parity report $args
        [ "$status" -eq 2 ] || { echo "'$args': status $status"; false; }
        assert_one_line_error
    done
    mkdir -p "$BATS_TEST_TMPDIR/empty"
    run --separate-stderr parity report "$BATS_TEST_TMPDIR/empty"
    [ "$status" -eq 2 ]
    assert_one_line_error
    run --separate-stderr parity report "$R" --out /proc/parity-report
    [ "$status" -eq 2 ]
    assert_one_line_error
    # --out naming a file, or a folder under one: one line, nothing written
    touch "$BATS_TEST_TMPDIR/plain"
    for out in "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/plain/rep"; do
        run --separate-stderr parity report "$R" --out "$out"
        echo "$out: $status $stderr"
        [ "$status" -eq 2 ]
        assert_one_line_error
    done
    [[ "$stderr" == *"cannot create folder $BATS_TEST_TMPDIR/plain/rep: Not a directory" ]]
    [ -f "$BATS_TEST_TMPDIR/plain" ] && [ ! -s "$BATS_TEST_TMPDIR/plain" ]
    run parity report --help
    [ "$status" -eq 0 ]
    [[ "$output" == usage:* ]]
}

@test "no silent caps: 65 sizes in a series, 50 kinds of machine; a plot with more than 48 lines says so" {
    command -v gnuplot >/dev/null || skip "gnuplot not installed (the plots are what is checked)"
    W="$BATS_TEST_TMPDIR/wide"
    mkdir -p "$W/sizes" "$W/machines"
    parity run pi --n 1000 --reps 3 --out "$W/seq.h5" --quiet
    parity run pi --n 1000 --reps 3 --mode omp --threads 2 --out "$W/omp.h5" --quiet
    # copies that differ only where the caps were: the size (n) and the CPU model
    "$(h5py_python)" - "$W" <<'PY'
import shutil, sys, h5py, numpy as np
w = sys.argv[1]
for k in range(65):
    f = "%s/sizes/seq_%d.h5" % (w, k)
    shutil.copy(w + "/seq.h5", f)
    with h5py.File(f, "r+") as h:
        h["run"].attrs["n"] = np.int64(1000 + k)
for k in range(50):
    for mode in ("seq", "omp"):
        f = "%s/machines/%s_%d.h5" % (w, mode, k)
        shutil.copy("%s/%s.h5" % (w, mode), f)
        with h5py.File(f, "r+") as h:
            h.attrs["cpu_model"] = np.bytes_("CPU model %d" % k)
PY
    run parity report "$W/sizes"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -c '^[0-9]' "$W/sizes/report/gnuplot/pi_seed1_time.dat")" -eq 65 ]
    run ! grep -q 'left the others out' "$W/sizes/report/report.md"
    run parity report "$W/machines"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -o '[*][*]m[0-9]*[*][*] = CPU model' "$W/machines/report/report.md" | sort -u | wc -l)" -eq 50 ]
    grep -q '^\*2 plot(s) show only their first 48 lines and left the others out' "$W/machines/report/report.md"
    [[ "$output" == *"2 plot(s) show only their first 48 lines (the others are left out)"* ]]
}
