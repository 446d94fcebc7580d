#!/usr/bin/env bash
# Run every test under prove: the cmocka unit-test binaries given as
# arguments, then the bats command-line tests and the Slurm tests (which
# start a one-node cluster, or skip with the reason where they cannot).  prove's last line
# ("Result: PASS" / "Result: FAIL") is the summary a CI reader looks for.
#   PARITY_BUILD   folder holding the parity binary and tests/ (make sets it)
#   TESTS          optional glob of bats files to run instead of all
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PARITY_BUILD=${PARITY_BUILD:-$here/../build}
export PARITY="$PARITY_BUILD/parity"
# Tests run as whatever user CI is; Open MPI refuses root without these.
# The product itself never sets them.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Open MPI's shared-memory transport wants a writable, roomy /tmp-like dir;
# quiet its warnings about oversubscription in tests that mean to do it.
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
unset OMP_NUM_THREADS OMP_PROC_BIND OMP_PLACES
bats_files=(${TESTS:-$here/cli/*.bats $here/slurm/*.bats})
exec prove --exec "$here/run-one.sh" "$@" "${bats_files[@]}"
