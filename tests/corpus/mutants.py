#!/usr/bin/env python3
"""Mutants of parity result files, made with h5py (an HDF5 client
independent of parity), for tests/cli/corpus.bats and tests/cli/verify.bats.

  mutants.py list                      structural mutant names and classes
  mutants.py make SRC DST NAME         DST = SRC with structural mutation NAME
  mutants.py all SRC OUTDIR SEED [NAME...]
                                       every (or each named) structural mutant and the raw byte
                                       mutants (truncations, bit flips, zeroed
                                       ranges) of SRC as OUTDIR/NAME.h5, and
                                       OUTDIR/manifest: "NAME CLASS" lines
  mutants.py classify ORIG MUTANT      what a mutation changed, as parity
                                       should see it (one word, see below)

Classes: damaged (something parity reads is unreadable or impossible: every
command must fail), results (the stored results changed: verify and compare
must fail), identity (kernel, parameters or seed changed: verify must fail),
label (a plausible timing, label or provenance value changed: no command can
tell without a metadata checksum; counted, not judged), none (nothing parity
reads changed: every command should pass).  A structural mutant's class is
declared with it; a raw one is classified by reading both files with h5py.
"""
import os
import random
import shutil
import sys

import h5py
import numpy as np

# name -> (class, function(file, first_result_dataset_name))
MUTANTS = {}


def mutant(name, cls):
    def wrap(fn):
        MUTANTS[name] = (cls, fn)
        return fn
    return wrap


def fixed_string(value):
    """An attribute value stored as a fixed-length string (as parity writes)."""
    b = value.encode() if isinstance(value, str) else value
    return np.array(b, dtype="S%d" % max(1, len(b)))


# ---- structural: delete -------------------------------------------------
for group in ("run", "kernel", "result", "timing", "check", "placement"):
    mutant("del-group-" + group, "damaged")(
        lambda f, a, g=group: f.__delitem__(g))
for attr in ("kernel", "mode", "ranks", "threads", "reps", "seed"):
    mutant("del-run-" + attr, "damaged")(
        lambda f, a, k=attr: f["run"].attrs.__delitem__(k))
mutant("del-schema_version", "damaged")(lambda f, a: f.attrs.__delitem__("schema_version"))
mutant("del-result-digest", "damaged")(lambda f, a: f["result"].attrs.__delitem__("digest"))
mutant("del-result-array-digest", "results")(
    lambda f, a: f["result"].attrs.__delitem__("digest_" + a))
mutant("del-result-dataset", "damaged")(lambda f, a: f["result"].__delitem__(a))
mutant("del-timing-wall", "damaged")(lambda f, a: f["timing"].__delitem__("wall"))
mutant("del-check-passed", "damaged")(lambda f, a: f["check"].attrs.__delitem__("passed"))


# ---- structural: retype, reshape ------------------------------------------
def replace_dataset(group, name, data, **kw):
    attrs = dict(group[name].attrs)
    del group[name]
    d = group.create_dataset(name, data=data, **kw)
    for k, v in attrs.items():
        d.attrs[k] = v


@mutant("retype-result-float32", "damaged")
def _(f, a):
    replace_dataset(f["result"], a, f["result"][a][()].astype(np.float32))


@mutant("retype-result-string", "damaged")
def _(f, a):
    n = f["result"][a].size
    replace_dataset(f["result"], a, np.array([b"x"] * n, dtype="S8"))


@mutant("retype-run-ranks-string", "damaged")
def _(f, a):
    f["run"].attrs["ranks"] = fixed_string("1")


@mutant("retype-run-mode-int", "damaged")
def _(f, a):
    f["run"].attrs["mode"] = np.int64(1)


@mutant("retype-run-ranks-array", "damaged")
def _(f, a):
    f["run"].attrs["ranks"] = np.arange(1000, dtype=np.int64)


@mutant("retype-schema-string", "damaged")
def _(f, a):
    f.attrs["schema_version"] = fixed_string("1")


@mutant("rank-timing-wall-2d", "damaged")    # issue 9 item 2
def _(f, a):
    replace_dataset(f["timing"], "wall", np.full((3, 100000), 1e-3))


@mutant("rank-result-3d", "damaged")
def _(f, a):
    v = f["result"][a][()]
    replace_dataset(f["result"], a, v.reshape((1,) * (3 - v.ndim) + v.shape))


@mutant("shape-same-count", "results")       # issue 9 item 8
def _(f, a):
    v = f["result"][a][()]
    shape = (v.shape[1], v.shape[0]) if v.ndim == 2 and v.shape[0] != v.shape[1] else \
        (v.size // 2, 2) if v.size % 2 == 0 and v.size > 2 else (1, v.size)
    if v.ndim == 2 and v.shape[0] == v.shape[1]:
        shape = (v.shape[0] // 2, v.shape[1] * 2)
    replace_dataset(f["result"], a, v.reshape(shape))


@mutant("huge-shape-result", "damaged")      # issue 9 item 8: shape product overflow
def _(f, a):
    attrs = dict(f["result"][a].attrs)
    del f["result"][a]
    d = f["result"].create_dataset(a, shape=(8589934592, 2147483648), dtype="<f8",
                                   chunks=(1, 1024))
    for k, v in attrs.items():
        d.attrs[k] = v


@mutant("huge-shape-wall", "damaged")
def _(f, a):
    del f["timing"]["wall"]
    f["timing"].create_dataset("wall", shape=(1 << 40,), dtype="<f8", chunks=(1024,))


def rebuild_run(f, key, value):
    """Attributes over 64 KiB need dense storage (a version-2 object header):
    the /run group is made again in a file opened with libver latest."""
    attrs = {k: f["run"].attrs[k] for k in f["run"].attrs}
    attrs[key] = value
    del f["run"]
    g = f.create_group("run")
    for k, v in attrs.items():
        g.attrs[k] = v


mutant("huge-string-mode", "damaged")(       # issue 9 item 4: 16 MiB fixed string
    lambda f, a: rebuild_run(f, "mode", fixed_string(b"m" * (16 << 20))))
mutant("huge-string-preset", "label")(
    lambda f, a: rebuild_run(f, "preset", fixed_string(b"p" * (16 << 20))))
mutant("huge-attr-array-ranks", "damaged")(  # 1M elements read into one int64?
    lambda f, a: rebuild_run(f, "ranks", np.ones(1 << 20, dtype=np.int64)))


# ---- structural: values -----------------------------------------------------
@mutant("nan-timing-all", "damaged")
def _(f, a):
    f["timing"]["wall"][...] = np.nan


@mutant("nan-timing-one", "damaged")
def _(f, a):
    w = f["timing"]["wall"][()]
    w[0] = np.nan
    f["timing"]["wall"][...] = w


@mutant("empty-timing-wall", "damaged")
def _(f, a):
    del f["timing"]["wall"]
    f["timing"].create_dataset("wall", shape=(0,), dtype="<f8")


@mutant("negative-timing", "damaged")
def _(f, a):
    f["timing"]["wall"][...] = -1.0


def set_run(key, value):
    return lambda f, a: f["run"].attrs.__setitem__(key, np.int64(value))


mutant("impossible-ranks-negative", "damaged")(set_run("ranks", -1))
mutant("impossible-threads-huge", "damaged")(set_run("threads", 1 << 62))
mutant("impossible-reps-zero", "damaged")(set_run("reps", 0))
mutant("impossible-warmup-negative", "damaged")(set_run("warmup", -1))
mutant("impossible-param-zero", "damaged")(
    lambda f, a: f["run"].attrs.__setitem__(sorted(
        k for k in f["run"].attrs if k in ("n",))[0], np.int64(0)))
mutant("impossible-check-passed", "damaged")(
    lambda f, a: f["check"].attrs.__setitem__("passed", np.int64(7)))


@mutant("impossible-mode-ranks", "damaged")
def _(f, a):
    f["run"].attrs["mode"] = fixed_string("seq")
    f["run"].attrs["ranks"] = np.int64(4)


@mutant("control-char-kernel", "damaged")     # printed escaped: pi\x01
def _(f, a):
    k = f["run"].attrs["kernel"]
    f["run"].attrs["kernel"] = fixed_string(k + b"\x01")


@mutant("kernel-rtol-nan", "damaged")         # schema 2: the verify policy is data
def _(f, a):
    f["kernel"].attrs["verify_rtol"] = np.float64("nan")


@mutant("kernel-variants-empty", "damaged")
def _(f, a):
    f["kernel"].attrs["variants"] = np.array([], dtype="S1")


@mutant("schema-newer", "damaged")            # cannot read here: still non-zero
def _(f, a):
    f.attrs["schema_version"] = np.int64(99)


@mutant("seed-changed", "identity")
def _(f, a):
    f["run"].attrs["seed"] = np.int64(f["run"].attrs["seed"] + 1)


@mutant("data-bitflip", "results")            # digest no longer matches
def _(f, a):
    v = f["result"][a][()]
    b = v.reshape(-1).view(np.uint64)
    b[0] ^= np.uint64(1)
    f["result"][a][...] = v


@mutant("digest-bitflip", "results")
def _(f, a):
    f["result"].attrs["digest_" + a] = np.uint64(int(f["result"].attrs["digest_" + a]) ^ 1)


@mutant("vlen-strings", "none")               # another tool's string type: same meaning
def _(f, a):
    for k in ("mode", "reduce", "variant"):
        v = f["run"].attrs[k].decode()
        del f["run"].attrs[k]
        f["run"].attrs.create(k, v, dtype=h5py.string_dtype())


@mutant("extra-attribute", "none")
def _(f, a):
    f["run"].attrs["note"] = fixed_string("added by another tool")


def first_array(f):
    return sorted(k for k in f["result"].attrs if k.startswith("digest_"))[0][7:]


def make(src, dst, name):
    shutil.copyfile(src, dst)
    dense = name.startswith(("huge-string", "huge-attr"))  # see rebuild_run
    with h5py.File(dst, "r+", libver="latest" if dense else None) as f:
        MUTANTS[name][1](f, first_array(f))


# ---- raw bytes -----------------------------------------------------------
def raw(src, outdir, seed):
    data = open(src, "rb").read()
    rng = random.Random(int(seed))
    n = len(data)
    out = {}
    for frac in (0.1, 0.5):
        out["raw-truncate-%02d" % int(frac * 100)] = data[:int(n * frac)]
    out["raw-truncate-last"] = data[:-1]
    for i in range(6):
        b = bytearray(data)
        pos = rng.randrange(n)
        b[pos] ^= 1 << rng.randrange(8)
        out["raw-flip-%02d" % i] = bytes(b)
    for i in range(2):
        b = bytearray(data)
        pos = rng.randrange(n - 64)
        b[pos:pos + 64] = bytes(64)
        out["raw-zero-%02d" % i] = bytes(b)
    for name, blob in out.items():
        with open(os.path.join(outdir, name + ".h5"), "wb") as f:
            f.write(blob)
    return list(out)


def make_all(src, outdir, seed, names):
    lines = []
    for name, (cls, _) in MUTANTS.items():
        if names and name not in names:
            continue
        make(src, os.path.join(outdir, name + ".h5"), name)
        lines.append("%s %s" % (name, cls))
    for name in raw(src, outdir, seed):
        lines.append("%s %s" % (name, classify(src, os.path.join(outdir, name + ".h5"))))
    with open(os.path.join(outdir, "manifest"), "w") as f:
        f.write("\n".join(lines) + "\n")


# ---- the oracle --------------------------------------------------------------
def val(v):
    return v.tobytes() if isinstance(v, np.ndarray) else repr(v)


def logical(path):
    """What parity reads from a file, as comparable values."""
    with h5py.File(path, "r") as f:
        run = {k: val(f["run"].attrs[k]) for k in f["run"].attrs}
        res = f["result"]
        return {
            "schema": val(f.attrs["schema_version"]),
            "identity": {k: run[k] for k in run if k not in (
                "mode", "ranks", "threads", "preset", "reps", "warmup", "store")},
            "run": run,
            "results": ({k: val(res.attrs[k]) for k in res.attrs},
                        {k: val(res[k][()]) + val(np.array(res[k].shape)) for k in res}),
            "timing": ({k: val(f["timing"].attrs[k]) for k in ("median_seconds", "init_seconds")},
                       val(f["timing"]["wall"][()])),
            "check": {k: val(f["check"].attrs[k]) for k in ("passed", "error", "bound", "what")},
            "placement": {k: val(f["placement"].attrs[k])
                          for k in ("cpus_available", "oversubscribed")},
            "metrics": {k: val(f["metrics"].attrs[k]) for k in f["metrics"].attrs},
            # schema 2: the kernel's facts (verify policy, problem keys)
            "kernel": ({k: val(f["kernel"].attrs[k]) for k in f["kernel"].attrs}
                       if "kernel" in f else None),
        }


def classify(orig, mut):
    a = logical(orig)
    try:
        b = logical(mut)
    except Exception:  # noqa: BLE001  h5py cannot read what parity reads
        return "damaged"
    if a["schema"] != b["schema"]:
        return "damaged"
    if a["results"] != b["results"]:
        return "results"
    if a["identity"] != b["identity"]:
        return "identity"
    return "label" if a != b else "none"


def main(argv):
    if len(argv) == 2 and argv[1] == "list":
        for name in MUTANTS:
            print(name, MUTANTS[name][0])
    elif len(argv) == 5 and argv[1] == "make":
        make(argv[2], argv[3], argv[4])
    elif len(argv) >= 5 and argv[1] == "all":
        make_all(argv[2], argv[3], argv[4], argv[5:])
    elif len(argv) == 4 and argv[1] == "classify":
        print(classify(argv[2], argv[3]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
