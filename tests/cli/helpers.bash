# Shared by the bats files.  PARITY is set by tests/run-all.sh (make test).
: "${PARITY:=$BATS_TEST_DIRNAME/../../build/parity}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

parity() { "$PARITY" "$@"; }

# mpirun with as many ranks as asked, even past the cores (--oversubscribe).
# PARITY_MPIEXEC replaces the launcher: `make test-mpich` sets it to
# "mpiexec.mpich -n" (MPICH's Hydra runs past the cores and binds nothing by
# default, so it needs no equivalent of --oversubscribe).
mpi() {
    local np=$1
    shift
    if [ -n "${PARITY_MPIEXEC:-}" ]; then
        # shellcheck disable=SC2086
        $PARITY_MPIEXEC "$np" "$PARITY" "$@"
    else
        mpirun --oversubscribe -np "$np" "$PARITY" "$@"
    fi
}

# Fail with a message (bats shows it) unless the command's stderr is exactly
# one line: the contract for bad input.
assert_one_line_error() {
    if [ "${#stderr_lines[@]}" -ne 1 ]; then
        echo "expected one line on stderr, got ${#stderr_lines[@]}:" >&2
        printf '%s\n' "${stderr_lines[@]}" >&2
        return 1
    fi
    [[ "${stderr_lines[0]}" == parity:* ]]
}

# verify's table rows for one folder: "mode p t reduce variant verdict..."
verify_rows() {
    "$PARITY" verify "$@" | awk '$1 ~ /^(seq|omp|mpi)$/'
}

# a python with h5py (Debian's python3-h5py; a pyenv python may lack it)
h5py_python() {
    local p
    for p in /usr/bin/python3 python3; do
        "$p" -c 'import h5py' 2>/dev/null && { echo "$p"; return 0; }
    done
    echo "no python3 with h5py (apt-get install python3-h5py)" >&2
    return 1
}
