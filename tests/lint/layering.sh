#!/usr/bin/env bash
# The layering of parity's sources: drivers -> {kernels, analysis} -> common.
#   - analysis/ judges files, never kernels: nothing under analysis/ includes
#     from kernels/ (a file's kernel facts come from the file, analysis/facts.h);
#   - a kernel (kernels/NAME/) sees only the public API: it includes
#     <parity/...>, its own folder's headers and system headers, nothing else
#     of parity (an out-of-tree kernel has nothing else);
#   - common/ depends on no other part of parity.
#   tests/lint/layering.sh [ROOT]   prints FILE:LINE: why, exit 1 if any
# Checked by tests/cli/lint.bats (this tree passes; a broken tree fails).
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -d "$root" ] || { echo "usage: $0 [ROOT]" >&2; exit 2; }
cd "$root"
shopt -s nullglob globstar
files=(analysis/**/*.[ch] kernels/*/**/*.[ch] common/**/*.[ch])
[ ${#files[@]} -gt 0 ] || { echo "$0: no sources under $root" >&2; exit 2; }
awk '
    # "a/b/../c" -> "a/c"; a path that climbs out of the tree keeps its "..".
    function normalize(path,    n, i, part, out, k) {
        n = split(path, part, "/")
        k = 0
        for (i = 1; i <= n; i++) {
            if (part[i] == "" || part[i] == ".") continue
            if (part[i] == ".." && k > 0 && out[k] != "..") { k--; continue }
            out[++k] = part[i]
        }
        path = ""
        for (i = 1; i <= k; i++) path = path (i > 1 ? "/" : "") out[i]
        return path
    }
    function say(why) {
        printf "%s:%d: includes %s: %s\n", FILENAME, FNR, inc, why
        bad++
    }
    match($0, /^[ \t]*#[ \t]*include[ \t]*[<"][^">]+[">]/) {
        s = substr($0, RSTART, RLENGTH)
        sub(/^[ \t]*#[ \t]*include[ \t]*/, "", s)
        delim = substr(s, 1, 1)
        inc = substr(s, 2, length(s) - 2)
        dir = FILENAME; sub(/\/[^\/]*$/, "", dir)
        # where a quoted include lands, relative to the root (the compiler
        # looks beside the file first); an angle include names itself
        target = delim == "\"" ? normalize(dir "/" inc) : normalize(inc)
        top = target; sub(/\/.*/, "", top)
        if (FILENAME ~ /^analysis\//) {
            if (top == "kernels")
                say("analysis/ must not include from kernels/ (read the kernel facts from the file)")
        } else if (FILENAME ~ /^kernels\//) {
            split(FILENAME, p, "/")
            own = p[1] "/" p[2] "/"
            if (inc ~ /\.\./ || (delim == "\"" && index(target, own) != 1 && inc !~ /^parity\//) ||
                (delim == "<" && top ~ /^(analysis|api|common|drivers|include|kernels)$/))
                say("a kernel includes only <parity/...>, its own folder and system headers")
        } else if (FILENAME ~ /^common\//) {
            if (top ~ /^(analysis|drivers|kernels)$/)
                say("common/ must not depend on drivers/, analysis/ or kernels/")
        }
    }
    END { exit bad ? 1 : 0 }
' "${files[@]}"
