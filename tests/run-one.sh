#!/usr/bin/env bash
# prove's --exec helper: run one test file and let it speak TAP.
#   *.bats   command-line tests (bats --tap)
#   other    a cmocka unit-test binary (TAP via CMOCKA_MESSAGE_OUTPUT)
set -euo pipefail
case "$1" in
    *.bats) exec bats --tap "$1" ;;
    *) CMOCKA_MESSAGE_OUTPUT=TAP exec "$1" ;;
esac
