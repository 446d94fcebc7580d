#!/usr/bin/env bash
# Refuse a bare `! cmd` line inside a bats test.  bats runs each test under
# `set -e`, which ignores a negated command's status, so `! cmd` anywhere but
# on a test's last line can never fail the test (and on the last line it only
# works by accident of position).  Write `run ! cmd` or an explicit `[ ... ]`.
#   tests/lint/bats-negation.sh FILE.bats...   prints FILE:LINE: text, exit 1 if any
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 FILE.bats..." >&2; exit 2; }
awk '
    FNR == 1 { in_test = 0 }
    /^@test / { in_test = 1; next }
    in_test && /^}/ { in_test = 0; next }
    in_test && /^[[:space:]]*![[:space:]]/ {
        printf "%s:%d: bare negation can never fail under set -e (use run ! or [ ]): %s\n",
               FILENAME, FNR, $0
        bad++
    }
    END { exit bad ? 1 : 0 }
' "$@"
