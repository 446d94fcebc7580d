#!/usr/bin/env bash
# Check for, or install, the Debian/Ubuntu packages parity needs.
#   tools/deps.sh check build      one clear line + exit 1 if a build package is missing
#   tools/deps.sh install [GROUP]  apt-get install what is missing (root or sudo);
#                                  otherwise print the exact command and exit 1
# GROUP: build (compile), test (make check), run (make run), mpich (make MPI=mpich),
# all (default).
set -euo pipefail

build_pkgs=(gcc make pkg-config libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools)
# nettle: SHA-256 of a plugin kernel's file, recorded in its result files.
build_pkgs+=(nettle-dev)
# Installed with the build group, but `check` does not require them: the
# build works without (OpenBLAS: only `matmul --variant blas` needs it).
optional_pkgs=(libopenblas-dev)
test_pkgs=(libcmocka-dev bats perl slurm-wlm munge gnuplot-nox)
# The cross-build and race tests (make cross, make tsan): clang with libomp,
# its TSan runtime, Archer (in libomp-14-dev) and llvm-symbolizer (llvm-14).
test_pkgs+=(clang libomp-14-dev libclang-rt-14-dev llvm-14)
# The corrupt-file corpus and the lock-failure resume test use h5py as an
# independent HDF5 client.
test_pkgs+=(python3-h5py python3-numpy)
run_pkgs=(gnuplot-nox)
# The second MPI: `make MPI=mpich` builds against these, and `make check`
# runs the MPI tests with that build too (util-linux/iproute2: nsenter,
# unshare and ip for the multi-node test cluster).
mpich_pkgs=(mpich libmpich-dev libhdf5-mpich-dev)
cluster_pkgs=(iproute2 util-linux)

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }

packages_for() {
    case "$1" in
        build) echo "${build_pkgs[@]}" "${optional_pkgs[@]}" ;;
        test) echo "${build_pkgs[@]}" "${optional_pkgs[@]}" "${test_pkgs[@]}" "${mpich_pkgs[@]}" "${cluster_pkgs[@]}" ;;
        mpich) echo "${mpich_pkgs[@]}" gcc make pkg-config hdf5-tools nettle-dev ;;
        run) echo "${build_pkgs[@]}" "${optional_pkgs[@]}" "${run_pkgs[@]}" ;;
        all) echo "${build_pkgs[@]}" "${optional_pkgs[@]}" "${test_pkgs[@]}" "${run_pkgs[@]}" "${mpich_pkgs[@]}" "${cluster_pkgs[@]}" ;;
        *) echo "deps.sh: unknown group '$1' (build, test, run, mpich, all)" >&2; exit 2 ;;
    esac
}

missing_of() {
    local p out=()
    for p in $(packages_for "$1"); do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            out+=("$p")
        fi
    done
    echo "${out[@]:-}" | xargs -n1 2>/dev/null | sort -u | xargs
}

cmd=${1:-install}
group=${2:-all}
case "$cmd" in
    -h|--help) usage; exit 0 ;;
    check)
        # Without dpkg (not Debian) trust pkg-config and the compiler wrappers.
        if ! command -v dpkg-query >/dev/null; then
            if pkg-config --exists hdf5-openmpi && command -v mpicc >/dev/null; then exit 0; fi
            echo "parity: missing dependency: parallel HDF5 (pkg-config hdf5-openmpi) and Open MPI (mpicc)" >&2
            exit 1
        fi
        missing=$(missing_of "$group" | xargs -n1 2>/dev/null |
                  grep -vxF -f <(printf '%s\n' "${optional_pkgs[@]}") | xargs || true)
        if [ -n "$missing" ]; then
            echo "parity: missing package(s): $missing — run 'make deps' (or: sudo apt-get install $missing)" >&2
            exit 1
        fi
        ;;
    install)
        missing=$(missing_of "$group")
        [ -z "$missing" ] && exit 0
        if ! command -v apt-get >/dev/null; then
            echo "parity: please install the equivalents of: $missing" >&2
            exit 1
        fi
        if [ "$(id -u)" -eq 0 ]; then sudo=""
        elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"
        else
            echo "parity: missing package(s); run as root: apt-get update && apt-get install -y $missing" >&2
            exit 1
        fi
        echo "parity: installing $missing"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
        ;;
    *) usage >&2; exit 2 ;;
esac
