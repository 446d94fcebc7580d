#!/usr/bin/env bats
# The corrupt-file corpus: mutants of real result files (tests/corpus/mutants.py,
# made with h5py: structural changes, huge shapes and strings, NaN timings,
# impossible metadata; raw truncations, bit flips, zeroed ranges) go through
# info, verify, report and compare.  None may crash (a signal, exit >= 128, a
# sanitizer report) or hang (a 20 s watchdog), and each must fail where its
# class says the change is visible (mutants.py: damaged -> all four commands;
# results -> verify and compare; identity -> verify).  The table of counts is
# printed (fd 3) and kept in corpus-table.txt of the test's folder.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    load helpers
    export ORIG="$BATS_FILE_TMPDIR/orig" MUT="$BATS_FILE_TMPDIR/mut"
    parity run pi --size tiny --out "$ORIG/pi_seq.h5" --quiet
    parity run pi --size tiny --mode omp --threads 2 --out "$ORIG/pi_omp.h5" --quiet
    parity run heat --size tiny --out "$ORIG/heat_seq.h5" --quiet
    parity run heat --size tiny --mode omp --threads 2 --out "$ORIG/heat_omp.h5" --quiet
    local py t
    py=$(h5py_python)
    mkdir -p "$MUT/pi_omp" "$MUT/heat_seq"
    # every structural mutant of a non-reference run; of the reference (a
    # 2-D array), those that touch what the other runs are judged against
    "$py" "$BATS_TEST_DIRNAME/../corpus/mutants.py" all "$ORIG/pi_omp.h5" "$MUT/pi_omp" 9
    "$py" "$BATS_TEST_DIRNAME/../corpus/mutants.py" all "$ORIG/heat_seq.h5" "$MUT/heat_seq" 9 \
        data-bitflip digest-bitflip shape-same-count del-result-array-digest seed-changed \
        huge-shape-result rank-result-3d retype-result-float32 del-result-dataset \
        schema-newer vlen-strings impossible-ranks-negative
}


# Run one command under the watchdog; print its outcome: ok, nonzero, crash, hang.
outcome() {
    local rc=0 err="$BATS_TEST_TMPDIR/stderr"
    timeout -k 5 "${CORPUS_TIMEOUT:-20}" "$@" >/dev/null 2>"$err" || rc=$?
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then echo hang
    elif [ "$rc" -ge 128 ] || grep -qE 'Sanitizer|runtime error:' "$err"; then echo crash
    elif [ "$rc" -ne 0 ]; then echo nonzero
    else echo ok
    fi
}

# Must COMMAND fail for a mutant of this class?
must_fail() { # CLASS COMMAND
    case "$1:$2" in
        damaged:*) return 0 ;;
        results:verify | results:compare | identity:verify) return 0 ;;
        *) return 1 ;;
    esac
}

@test "corrupt-file corpus: no crash, no hang, no silent pass of meaningful damage" {
    # sanitizer findings must not pass for an ordinary exit 1
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=199"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=199"
    table="$BATS_TEST_TMPDIR/corpus-table.txt" log="$BATS_TEST_TMPDIR/corpus-log.txt"
    declare -A count=()
    local t name cls cmd o w n=0 bad=0
    for t in pi_omp heat_seq; do
        while read -r name cls; do
            m="$MUT/$t/$name.h5"
            # the campaign: the originals, this one file replaced by its mutant
            w="$BATS_TEST_TMPDIR/w/$t-$name"
            mkdir -p "$w"
            for f in "$ORIG"/*.h5; do ln -s "$f" "$w/"; done
            ln -sf "$m" "$w/$t.h5"
            n=$((n + 1))
            for cmd in info verify report compare; do
                case $cmd in
                    info) o=$(outcome "$PARITY" info "$m") ;;
                    verify) o=$(outcome "$PARITY" verify "$w") ;;
                    # plots are not what is tested here (and gnuplot is slow)
                    report) o=$(outcome env PATH=/nonexistent "$PARITY" report "$w" --out "$w.report") ;;
                    compare) o=$(outcome "$PARITY" compare "$ORIG" "$w") ;;
                esac
                count[$cmd,$o]=$((${count[$cmd,$o]:-0} + 1))
                if [ "$o" = ok ] && must_fail "$cls" "$cmd"; then
                    o=silent
                    count[$cmd,silent]=$((${count[$cmd,silent]:-0} + 1))
                fi
                if [ "$o" = nonzero ] && [ "$cls" = none ]; then
                    count[$cmd,false]=$((${count[$cmd,false]:-0} + 1))
                fi
                echo "$t $name $cls $cmd $o" >>"$log"
                case $o in crash|hang|silent) bad=$((bad + 1)); echo "BAD: $t $name ($cls) $cmd: $o" >&2 ;; esac
            done
        done <"$MUT/$t/manifest"
    done
    {
        echo "corpus: $n mutants (pi_omp: a non-reference run; heat_seq: the reference) x 4 commands"
        printf '%-8s %8s %8s %6s %5s %7s %12s\n' command ok-exit nonzero crash hang silent false-alarm
        for cmd in info verify report compare; do
            printf '%-8s %8d %8d %6d %5d %7d %12d\n' "$cmd" "${count[$cmd,ok]:-0}" \
                "${count[$cmd,nonzero]:-0}" "${count[$cmd,crash]:-0}" "${count[$cmd,hang]:-0}" \
                "${count[$cmd,silent]:-0}" "${count[$cmd,false]:-0}"
        done
        echo "classes: $(cat "$MUT"/*/manifest | awk '{ print $2 }' | sort | uniq -c | xargs)"
        echo "(ok-exit counts every exit 0; silent: exit 0 where the class says the change is visible;"
        echo " false-alarm: non-zero for a mutant that changes nothing parity reads)"
    } >"$table"
    cat "$table" >&3
    cat "$table"
    [ "$n" -ge 80 ]
    [ "$bad" -eq 0 ]
}

@test "the corpus check can fail: an unchecked reader's crash and a silent pass are counted" {
    # the classifier and watchdog see a signal, a sanitizer report, a hang
    [ "$(outcome sh -c 'kill -SEGV $$')" = crash ]
    [ "$(outcome sh -c 'echo "ERROR: AddressSanitizer: heap-buffer-overflow" >&2; exit 1')" = crash ]
    [ "$(outcome sh -c 'exit 2')" = nonzero ]
    [ "$(outcome true)" = ok ]
    [ "$(CORPUS_TIMEOUT=1 outcome sleep 10)" = hang ]
    must_fail damaged report
    must_fail results verify
    run ! must_fail label verify
    # and h5py's view of a raw mutant decides its class: a flipped data bit
    # changes the results, a truncation damages the file
    grep -qE '^raw-truncate-50 damaged$' "$MUT/heat_seq/manifest"
    grep -qE '^raw-flip-[0-9]+ results$' "$MUT/heat_seq/manifest"
}
