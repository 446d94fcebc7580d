# shellcheck shell=bash
# The sweep plan, shared by jobs/sweep.sh (workstation), jobs/slurm/submit.sh
# and the Slurm batch scripts: its keys and defaults, the command-line options
# that set them, the plan.env file that records them, the list of runs a plan
# means, and whether a run's result file already exists.  Sourced, not run.
#
# A plan is plain key=value lines (valid shell, so `. plan.env` works too):
#   kernels  sizes  modes  threads  ranks  hybrid  nodes
#   wide_kernels  wide_threads  reduce  reps  warmup  args
# A run is one line "KERNEL SIZE MODE RANKS THREADS REDUCE NODES", MODE being
# a row of parity's mode table (hybrid = the launcher mode with THREADS > 1).
#
# What parity is (its modes, sizes, kernels and the modes each provides, the
# result file names) is never written here: plan_catalog reads it from
# `parity list --format tsv`, so a new mode or kernel needs no change here.

PLAN_KEYS="kernels sizes modes threads ranks hybrid nodes wide_kernels wide_threads reduce reps warmup args"
for _k in $PLAN_KEYS; do unset "plan_$_k"; done
unset _k
PLAN_FILE=""

plan_die() { echo "${PLAN_PROG:-plan}: $*" >&2; exit 2; }

# The parity binary: $PARITY, else the build next to these scripts, else PATH.
plan_find_parity() {
    local root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    if [ -z "${PARITY:-}" ]; then
        if [ -x "$root/build/parity" ]; then PARITY=$root/build/parity
        else PARITY=$(command -v parity || true); fi
    fi
    [ -n "$PARITY" ] && [ -x "$PARITY" ] ||
        plan_die "parity not found: run make, or set PARITY=/path/to/parity"
    export PARITY
    plan_catalog
}

# ---- what parity says about itself (`parity list --format tsv`) -----------
# PLAN_MODES      the mode table's names, in its order
# PLAN_REF_MODE   the reference mode (seq): every sweep runs it
# PLAN_HYBRID_MODE the launcher mode that takes threads (mpi): "hybrid" is it
#                 with THREADS > 1, a sweep notion, not a mode
# PLAN_SIZES      the presets; PLAN_FILE_SCHEME result file names
# plan_mode_launcher[M], plan_mode_threads[M]: 0/1 from the table
# plan_known      built-in kernel names; plan_kmodes[K] " seq omp mpi "
# plan_kname[ARG] the kernel's name for a --kernels argument, from the tsv
#                 (the same for a built-in; a path may name another kernel)
# plan_karg[NAME] the argument `parity run` gets for that kernel
declare -gA plan_mode_launcher=() plan_mode_threads=() plan_kmodes=() plan_kname=() plan_karg=()
PLAN_MODES="" PLAN_REF_MODE="" PLAN_HYBRID_MODE="" PLAN_SIZES="" PLAN_FILE_SCHEME="" plan_known="" plan_read_names=""

# Read tsv records from stdin into the variables above; the names of the
# kernels it saw go to plan_read_names.  With "kernels", only kernel records.
plan_catalog_read() { # [kernels]
    local only=${1:-} type a b c d rest
    plan_read_names=""
    while IFS=$'\t' read -r type a b c d rest; do
        case $only/$type in
            /mode)
                PLAN_MODES+="${PLAN_MODES:+ }$a"
                plan_mode_launcher[$a]=$c plan_mode_threads[$a]=$d
                [ "$b" = 1 ] && [ -z "$PLAN_REF_MODE" ] && PLAN_REF_MODE=$a
                [ "$c" = 1 ] && [ "$d" = 1 ] && [ -z "$PLAN_HYBRID_MODE" ] && PLAN_HYBRID_MODE=$a ;;
            /size) PLAN_SIZES+="${PLAN_SIZES:+ }$a" ;;
            /file) PLAN_FILE_SCHEME=$a ;;
            */kernel) plan_kmodes[$a]=" " plan_read_names+="${plan_read_names:+ }$a" ;;
            */kmode) plan_kmodes[$a]+="$b " ;;
        esac
    done
    return 0
}

# The mode table, the sizes and the built-in kernels, once per script.
plan_catalog() {
    [ -z "$PLAN_MODES" ] || return 0
    local tsv k
    tsv=$("$PARITY" list --format tsv) && [[ "$tsv" == "format"$'\t'"parity-list"$'\t'1* ]] ||
        plan_die "$PARITY list --format tsv failed: is $PARITY a parity of this version?"
    plan_catalog_read <<<"$tsv"
    plan_known=$plan_read_names
    [ -n "$PLAN_REF_MODE" ] && [ -n "$PLAN_FILE_SCHEME" ] ||
        plan_die "$PARITY list --format tsv has no reference mode or file scheme"
    for k in $plan_known; do plan_kname[$k]=$k plan_karg[$k]=$k; done
}

# The kernel a --kernels argument means: its name, from `parity list --format
# tsv ARG` when it is not a built-in name (parity's own line when it does not
# know it).
plan_kernel() { # ARG
    local arg=$1 tsv err
    [ -n "${plan_kname[$arg]:-}" ] && return 0
    err=$("$PARITY" list --format tsv "$arg" 2>&1 >/dev/null) ||
        plan_die "${err#parity: }; known kernels: $plan_known"
    tsv=$("$PARITY" list --format tsv "$arg")
    plan_catalog_read kernels <<<"$tsv"
    [[ -n "$plan_read_names" && "$plan_read_names" != *" "* ]] ||
        plan_die "$PARITY list --format tsv $arg: not one kernel"
    plan_kname[$arg]=$plan_read_names plan_karg[$plan_read_names]=$arg
}

# Does kernel NAME provide mode M?  ("hybrid": the hybrid mode.)
plan_provides() { # NAME MODE
    local m=$2
    [ "$m" = hybrid ] && m=$PLAN_HYBRID_MODE
    [[ "${plan_kmodes[$1]:-}" == *" $m "* ]]
}

# The modes a sweep takes: the table's (the reference always runs) and
# hybrid where there is a launcher mode with threads.
plan_mode_choices() {
    local m out=""
    for m in $PLAN_MODES; do [ "$m" = "$PLAN_REF_MODE" ] || out+="$m "; done
    [ -n "$PLAN_HYBRID_MODE" ] && out+=hybrid
    echo "${out% }"
}

# The glob of a run's result files in DIR, from parity's file scheme: {id}
# (and nothing else) is the wildcard.
plan_file_glob() { # DIR KERNEL MODE RANKS THREADS SIZE
    local g=$PLAN_FILE_SCHEME
    g=${g//\{kernel\}/$2}
    g=${g//\{mode\}/$3}
    g=${g//\{ranks\}/$4}
    g=${g//\{threads\}/$5}
    g=${g//\{size\}/$6}
    g=${g//\{id\}/*}
    echo "$1/$g"
}

# 1 2 4 ... up to $1, then $1 itself and one step past it, so that the sweep
# shows what oversubscription does: 2 cores give "1 2 4", 6 give "1 2 4 6 8".
plan_counts() {
    local max=$1 c=1 out=""
    while [ "$c" -lt "$max" ]; do out+="$c "; c=$((c * 2)); done
    if [ "$c" -eq "$max" ]; then echo "$out$c $((c * 2))"; else echo "$out$max $c"; fi
}

# 1 2 4 ... up to and including the first power of two >= $1
plan_powers() {
    local max=$1 c=1 out=""
    while [ "$c" -lt "$max" ]; do out+="$c "; c=$((c * 2)); done
    echo "$out$c"
}

# Hybrid shapes PxT (P, T >= 2, from the counts) that fill the cores exactly
# or one step past them.
plan_hybrid_default() {
    local cores=$1 counts=$2 p t out=""
    local past
    past=$(echo "$counts" | tr ' ' '\n' | awk -v c="$cores" '$1 > c' | head -1)
    for p in $counts; do
        for t in $counts; do
            [ "$p" -ge 2 ] && [ "$t" -ge 2 ] || continue
            if [ $((p * t)) -eq "$cores" ] || [ $((p * t)) -eq "${past:-0}" ]; then out+="${p}x$t "; fi
        done
    done
    echo "${out% }"
}

# Set one key; lists may be given with commas or spaces (repeats dropped).
plan_set() {
    local key=$1 value=$2
    case " $PLAN_KEYS " in *" $key "*) ;; *) plan_die "unknown plan key '$key' (keys: $PLAN_KEYS)" ;; esac
    if [ "$key" != args ]; then
        value=$(echo "$value" | tr ',\t' '  ' |
            awk '{ for (i = 1; i <= NF; i++) if (!seen[$i]++) printf "%s%s", (n++ ? " " : ""), $i }')
    fi
    printf -v "plan_$key" '%s' "$value"
}

# The options both scripts accept for the plan: plan_option "$@" sets the
# key and succeeds when $1 is one (it takes a value: shift 2), else fails.
plan_option() {
    local opt=${1:-} key
    case "$opt" in
        --plan)
            [ $# -ge 2 ] || plan_die "--plan needs a file (see --help)"
            PLAN_FILE=$2 ;;
        --kernels|--sizes|--modes|--threads|--ranks|--hybrid|--nodes|--reduce|--reps|--warmup|--args|--wide-kernels|--wide-threads)
            key=${opt#--}
            key=${key//-/_}
            [ $# -ge 2 ] || plan_die "$opt needs a value (see --help)"
            plan_set "$key" "$2" ;;
        *) return 1 ;;
    esac
}

plan_options_help() {
    cat <<'EOF'
plan (lists take spaces or commas; unset keys get the defaults shown):
  --kernels LIST      kernels to run (default: all of `parity list --names`)
  --sizes LIST        tiny|small|medium|large (default small)
  --modes LIST        modes of `parity list --modes` and hybrid (mpi with
                      threads; default: all of them); the seq baseline of
                      every kernel and size always runs, and a kernel runs
                      only the modes it provides
  --threads LIST      OpenMP thread counts (default 1 2 4 ... up to the
                      cores and one step past them, so oversubscription shows)
  --ranks LIST        MPI rank counts (default like --threads)
  --hybrid LIST       MPI x OpenMP shapes RANKSxTHREADS, e.g. 2x2,2x4
                      (default: shapes filling the cores, and one step past)
  --nodes LIST        node counts for MPI runs (Slurm only; default 1)
  --reduce LIST       repro and/or fast (default repro); fast runs land
                      in reduce-fast/ inside the campaign
  --wide-kernels LIST latency-bound kernels whose thread counts go far past
                      the cores (default iowait)
  --wide-threads LIST their thread counts (default 1 2 4 ... 16 or more)
  --reps R            timed repetitions per run (default 3)
  --warmup W          untimed warm-ups per run (default 1)
  --args 'ARGS'       extra `parity run` options for every run, e.g.
                      '--seed 7' or '--n 5000' (a kernel parameter makes
                      the file name's size "custom")
  --plan FILE         read the plan from FILE (key=value lines, as in a
                      campaign's plan.env); options given as well win
EOF
}

# Read a plan file: key=value lines, values optionally quoted, # comments.
# It is parsed, not executed.
plan_load() {
    local file=$1 line key value n=0
    [ -r "$file" ] || plan_die "cannot read plan file $file"
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        line=${line%%#*}
        [[ "$line" =~ ^[[:space:]]*$ ]] && continue
        [[ "$line" =~ ^[[:space:]]*([a-z_]+)=(.*)$ ]] ||
            plan_die "$file:$n: not a key=value line: $line"
        key=${BASH_REMATCH[1]}
        value=${BASH_REMATCH[2]}
        value=${value%"${value##*[![:space:]]}"}
        if [[ "$value" =~ ^\"(.*)\"$ ]] || [[ "$value" =~ ^\'(.*)\'$ ]]; then
            value=${BASH_REMATCH[1]}
        fi
        plan_set "$key" "$value"
    done <"$file"
}

# The plan of this command: the --plan file if one was given, the options
# given as well winning over it, and the defaults (plan_defaults) for the rest.
plan_resolve() { # CORES_PER_NODE
    local saved key value var
    if [ -n "$PLAN_FILE" ]; then
        saved=$(for key in $PLAN_KEYS; do
            var=plan_$key
            if [ -n "${!var+set}" ]; then printf '%s\t%s\n' "$key" "${!var}"; fi
        done)
        plan_load "$PLAN_FILE"
        while IFS=$'\t' read -r key value; do
            if [ -n "$key" ]; then plan_set "$key" "$value"; fi
        done <<<"$saved"
    fi
    plan_defaults "$@"
}

# A campaign keeps the plan that made it: refuse to mix another one in.
plan_same_campaign() { # CAMPAIGN
    [ -f "$1/plan.env" ] || return 0
    diff <(plan_text) <(grep -v '^#' "$1/plan.env") >/dev/null && return 0
    echo "${PLAN_PROG:-plan}: $1 was made by a different plan:" >&2
    diff <(grep -v '^#' "$1/plan.env") <(plan_text) | sed 's/^/  /' >&2 || true
    plan_die "continue it with --plan $1/plan.env, or choose another --campaign"
}

# Fill every unset key from the machine: $1 cores per node.  Rank counts go
# up to the cores of the most nodes asked for.  Needs PARITY (kernel names).
plan_defaults() {
    local cores=$1 counts max_nodes
    : "${plan_nodes:=1}"
    # shellcheck disable=SC2086
    plan_positive nodes $plan_nodes
    max_nodes=$(echo "$plan_nodes" | tr ' ' '\n' | sort -n | tail -1)
    counts=$(plan_counts "$cores")
    : "${plan_kernels:=$plan_known}"
    : "${plan_sizes:=small}"
    : "${plan_modes:=$(plan_mode_choices)}"
    : "${plan_threads:=$counts}"
    : "${plan_ranks:=$(plan_counts $((cores * max_nodes)))}"
    : "${plan_hybrid=$(plan_hybrid_default "$cores" "$counts")}"
    : "${plan_wide_kernels=iowait}"
    : "${plan_wide_threads:=$(plan_powers $((cores * 4 > 16 ? cores * 4 : 16)))}"
    : "${plan_reduce:=repro}"
    : "${plan_reps:=3}"
    : "${plan_warmup:=1}"
    : "${plan_args=}"
    # the seq baseline is part of every sweep
    plan_modes=$(echo "$PLAN_REF_MODE $plan_modes" | tr ' ' '\n' | awk 'NF && !seen[$0]++' | xargs)
    plan_check
}

plan_positive() {
    local what=$1 v
    shift
    for v in "$@"; do
        [[ "$v" =~ ^[1-9][0-9]*$ ]] || plan_die "$what: '$v' is not a positive whole number"
    done
}

plan_check() {
    local k v abs=""
    [ -n "$plan_kernels" ] || plan_die "no kernels to run"
    # A plugin given by path is kept as an absolute path, so the plan (and a
    # Slurm job that reads it from another folder) names the same file.
    for k in $plan_kernels; do
        [[ "$k" == */* && -e "$k" ]] && k=$(realpath -- "$k")
        abs+="${abs:+ }$k"
    done
    plan_kernels=$abs
    for k in $plan_kernels; do plan_kernel "$k"; done
    for v in $plan_sizes; do
        [[ " $PLAN_SIZES " == *" $v "* ]] || plan_die "unknown size '$v' (sizes: $PLAN_SIZES)"
    done
    for v in $plan_modes; do
        [[ " $PLAN_REF_MODE $(plan_mode_choices) " == *" $v "* ]] ||
            plan_die "unknown mode '$v' (modes: $(plan_mode_choices); $PLAN_REF_MODE always runs)"
    done
    for v in $plan_reduce; do
        [[ " repro fast " == *" $v "* ]] || plan_die "unknown reduce '$v' (repro or fast)"
    done
    for v in $plan_hybrid; do
        [[ "$v" =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || plan_die "hybrid shape '$v' is not RANKSxTHREADS, e.g. 2x2"
    done
    # shellcheck disable=SC2086
    plan_positive threads $plan_threads
    # shellcheck disable=SC2086
    plan_positive ranks $plan_ranks
    # shellcheck disable=SC2086
    # shellcheck disable=SC2086
    plan_positive nodes $plan_nodes
    # shellcheck disable=SC2086
    plan_positive wide-threads $plan_wide_threads
    plan_positive reps "$plan_reps"
    [[ "$plan_warmup" =~ ^[0-9]+$ ]] || plan_die "warmup: '$plan_warmup' is not a whole number"
}

# The resolved plan as plan.env text (keys only, no comments).
plan_text() {
    local key var
    for key in $PLAN_KEYS; do
        var=plan_$key
        printf '%s="%s"\n' "$key" "${!var//\"/\\\"}"
    done
}

plan_write() {
    local file=$1 how=$2
    {
        echo "# parity sweep plan: $how"
        echo "# written $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname); key=value, shell-sourceable."
        echo "# Rerun with --plan $file to resume or repeat this campaign."
        plan_text
    } >"$file.tmp"
    mv "$file.tmp" "$file"
}

# Every run the plan means, one a line: KERNEL SIZE MODE RANKS THREADS REDUCE NODES.
# Per kernel and size: the reference (seq) run, then per reduce, in the mode
# table's order: the modes without a launcher (at each thread count if the
# mode uses threads), then per node count the launcher modes at each rank
# count and the hybrid shapes.  A mode the kernel does not provide has no
# runs (plan_unprovided says which).  KERNEL is the kernel's name.
plan_runs() {
    local arg k s r t p n m shape threads
    for arg in $plan_kernels; do
        k=${plan_kname[$arg]:-$arg}
        threads=$plan_threads
        [[ " $plan_wide_kernels " == *" $arg "* || " $plan_wide_kernels " == *" $k "* ]] && threads=$plan_wide_threads
        for s in $plan_sizes; do
            echo "$k $s $PLAN_REF_MODE 1 1 repro 1"
            for r in $plan_reduce; do
                for m in $PLAN_MODES; do
                    [ "$m" != "$PLAN_REF_MODE" ] && [ "${plan_mode_launcher[$m]}" = 0 ] || continue
                    [[ " $plan_modes " == *" $m "* ]] && plan_provides "$k" "$m" || continue
                    if [ "${plan_mode_threads[$m]}" = 1 ]; then
                        for t in $threads; do echo "$k $s $m 1 $t $r 1"; done
                    else
                        echo "$k $s $m 1 1 $r 1"
                    fi
                done
                for n in $plan_nodes; do
                    for m in $PLAN_MODES; do
                        [ "${plan_mode_launcher[$m]}" = 1 ] || continue
                        [[ " $plan_modes " == *" $m "* ]] && plan_provides "$k" "$m" || continue
                        for p in $plan_ranks; do
                            [ "$p" -ge "$n" ] && echo "$k $s $m $p 1 $r $n"
                        done
                    done
                    if [[ " $plan_modes " == *" hybrid "* ]] && plan_provides "$k" hybrid; then
                        for shape in $plan_hybrid; do
                            p=${shape%x*} t=${shape#*x}
                            [ "$p" -ge "$n" ] && echo "$k $s $PLAN_HYBRID_MODE $p $t $r $n"
                        done
                    fi
                done
            done
        done
    done
    return 0
}

# "KERNEL: MODE" for each mode of the plan a kernel does not provide (its
# runs are left out), one a line.
plan_unprovided() {
    local arg k m
    for arg in $plan_kernels; do
        k=${plan_kname[$arg]:-$arg}
        for m in $plan_modes; do
            plan_provides "$k" "$m" || echo "$k: $m"
        done
    done
    return 0
}

# Where a run's file lands inside the campaign: runs that the file name
# cannot tell apart get their own folder (other node counts, fast reductions).
run_subdir() {
    local reduce=$1 nodes=$2 d=""
    [ "$nodes" -gt 1 ] && d+="nodes-$nodes/"
    [ "$reduce" != repro ] && d+="reduce-$reduce/"
    echo "$d"
}

# The folder of a run's file: the campaign, or a subfolder of it.
run_dir() { # CAMPAIGN REDUCE NODES
    local d
    d=$1/$(run_subdir "$2" "$3")
    echo "${d%/}"
}

run_label() { # KERNEL SIZE MODE RANKS THREADS REDUCE NODES
    local l="$1 $3 p=$4 t=$5 $2"
    [ "$6" != repro ] && l+=" $6"
    [ "$7" -gt 1 ] && l+=" nodes=$7"
    echo "$l"
}

# The result files that would be this run's (parity's file scheme, e.g.
# KERNEL_MODE_pP_tT_SIZE_*.h5; SIZE "custom" too when --args sets kernel
# parameters).
run_files() { # DIR KERNEL SIZE MODE RANKS THREADS
    compgen -G "$(plan_file_glob "$1" "$2" "$4" "$5" "$6" "$3")" || true
    [ -n "${plan_args:-}" ] && { compgen -G "$(plan_file_glob "$1" "$2" "$4" "$5" "$6" custom)" || true; }
    return 0
}

# The unfinished (.tmp) files a run may leave, whatever its size: a glob.
run_tmp_glob() { # DIR KERNEL MODE RANKS THREADS
    echo "$(plan_file_glob "$1" "$2" "$3" "$4" "$5" "*").tmp"
}

# The campaign folder that holds run folder $1 (run_dir adds nodes-N/ and
# reduce-R/ below it).
run_campaign() {
    local d=$1
    while :; do
        case ${d##*/} in nodes-[0-9]*|reduce-*) d=${d%/*} ;; *) break ;; esac
    done
    echo "$d"
}

# Move a damaged file $1 into CAMPAIGN/quarantine/ with $1.reason holding
# why ($2), never over an earlier one; says what it did.  Nothing is deleted:
# a file judged damaged here can still be looked at, or put back.
run_quarantine() { # FILE REASON
    local q name n=1
    q=$(run_campaign "$(dirname "$1")")/quarantine
    name=${1##*/}
    mkdir -p "$q" || return 1
    while [ -e "$q/$name" ] || [ -e "$q/$name.reason" ]; do name="${1##*/}.$n"; n=$((n + 1)); done
    printf '%s\n%s: %s\n' "$2" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" >"$q/$name.reason" || return 1
    mv -n -- "$1" "$q/$name" || return 1
    echo "  quarantined $1 -> $q/$name ($2)"
}

# Is the run done: a result file for it that `parity info --check` reads?
# Status 0 done; 1 to be run; 2 a file of it cannot be read here (locks,
# permissions, a newer schema or kernel, a missing plugin): it may be good, so
# it is kept and the run must not be redone over it (the file is named).
# With "clean", damaged files and leftover .tmp files are moved to
# CAMPAIGN/quarantine/ with their reason (never deleted), so the run is redone.
# Only an explicit "damaged" verdict from parity counts as damaged: any other
# failure of the check (a crash, a missing binary) keeps the file.
run_done() { # DIR KERNEL SIZE MODE RANKS THREADS [clean]
    local f out rc done=1 here=0
    if [ "${7:-}" = clean ]; then
        for f in $(run_tmp_glob "$1" "$2" "$4" "$5" "$6"); do
            [ -e "$f" ] || continue
            run_quarantine "$f" "unfinished: a .tmp file left by an interrupted run" || here=1
        done
    fi
    while IFS= read -r f; do
        [ -n "$f" ] || continue
        rc=0
        out=$("$PARITY" info --check "$f" 2>/dev/null) || rc=$?
        if [ "$rc" -eq 0 ] && [ "$out" = "$f: ok" ]; then
            done=0
        elif [ "$rc" -eq 1 ] && [[ "$out" == "$f: damaged: "* ]]; then
            if [ "${7:-}" = clean ]; then
                run_quarantine "$f" "${out#"$f: "}" || here=1
            fi
        else
            here=1
            [ -n "$out" ] || out="$f: parity info --check failed (exit $rc)"
            if [ "${7:-}" = clean ]; then echo "  kept $f: ${out#"$f: "}"; fi
        fi
    done < <(run_files "$@")
    [ "$done" -eq 0 ] && return 0
    [ "$here" -eq 1 ] && return 2
    return 1
}

# Print the planned runs without a valid result file in campaign $1; the
# status is 0 when none is missing.
plan_missing() {
    local camp=$1 missing=0 run rc note
    local -a field
    while read -r run; do
        read -r -a field <<<"$run"
        rc=0
        run_done "$(run_dir "$camp" "${field[5]}" "${field[6]}")" "${field[0]}" "${field[1]}" "${field[2]}" "${field[3]}" "${field[4]}" || rc=$?
        if [ "$rc" -ne 0 ]; then
            note=""
            [ "$rc" -eq 2 ] && note=" (its file cannot be read here: kept)"
            echo "missing: $(run_label "${field[@]}")$note"
            missing=$((missing + 1))
        fi
    done < <(plan_runs)
    return $((missing > 0))
}

# The end of every sweep, local or Slurm: which planned runs have no result
# file, then `parity verify` on campaign $1 (kept in verify.txt) and
# `parity report` where parity has it.  Status: 0 when nothing is missing and
# everything matched, else 1.
plan_analyse() {
    local camp=$1 prog=${PLAN_PROG:-plan} status=0 vrc=0 total missing
    total=$(plan_runs | wc -l)
    if missing=$(plan_missing "$camp"); then
        echo "$prog: all $total planned runs have a result file"
    else
        echo "$prog: $(echo "$missing" | wc -l) of $total planned runs have no result file:"
        echo "$missing" | sed 's/^/  /'
        status=1
    fi
    echo
    echo "$prog: $PARITY verify $camp"
    "$PARITY" verify "$camp" >"$camp/verify.txt" 2>&1 || vrc=$?
    cat "$camp/verify.txt"
    [ "$vrc" -eq 0 ] || status=1
    if "$PARITY" report --help >/dev/null 2>&1; then
        echo
        echo "$prog: $PARITY report $camp"
        "$PARITY" report "$camp" || { echo "$prog: report failed"; [ "$status" -ne 0 ] || status=1; }
    fi
    echo
    if [ "$status" -eq 0 ]; then
        echo "$prog: every planned run is done and every parallel result matches seq"
    else
        echo "$prog: FAILED: missing runs, or results that do not match (see above; $camp/verify.txt)"
    fi
    return "$status"
}

# Open MPI refuses to run as root unless told it may: set mpirun_as_root to
# those two variables when we are root (tests, containers), else to nothing.
plan_mpirun_as_root() {
    mpirun_as_root=()
    if [ "$(id -u)" -eq 0 ]; then
        mpirun_as_root=(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
    fi
}

# Fill cmd (the full command, env settings first) and note (what is special
# about it) for one run, for jobs/sweep.sh and jobs/bench.sh.  Uses $cores,
# $PARITY, plan_reps, plan_warmup, plan_args and mpirun_as_root
# (plan_mpirun_as_root).  Threads are pinned close together on cores; mpirun
# binds each rank to one core by default, so a hybrid rank gets T cores with
# --map-by slot:PE=T.  Past the cores binding would stack everything on the
# same cores, so oversubscribed MPI runs are left unbound.
plan_launch() { # KERNEL SIZE MODE RANKS THREADS REDUCE DIR
    local k=$1 s=$2 mode=$3 p=$4 t=$5 r=$6 dir=$7
    local -a prun=("$PARITY" run "${plan_karg[$k]:-$k}" --mode "$mode" --threads "$t" --size "$s" --reduce "$r"
                   --reps "$plan_reps" --warmup "$plan_warmup" --outdir "$dir" --quiet)
    # shellcheck disable=SC2206
    [ -n "$plan_args" ] && prun+=($plan_args)
    note=""
    # how the mode runs, from the mode table: under a launcher (mpirun), as
    # a thread team, or plain (the reference)
    if [ "${plan_mode_launcher[$mode]:-0}" = 1 ]; then
        cmd=(env "${mpirun_as_root[@]}" OMP_NUM_THREADS="$t")
        if [ $((p * t)) -le "$cores" ]; then
            if [ "$t" -gt 1 ]; then
                cmd+=(OMP_PLACES=cores OMP_PROC_BIND=close mpirun -np "$p" --map-by "slot:PE=$t" --bind-to core)
            else
                cmd+=(mpirun -np "$p" --bind-to core)
            fi
        else
            cmd+=(OMP_PROC_BIND=false mpirun -np "$p" --oversubscribe --bind-to none)
            note="oversubscribed: $p rank(s) x $t thread(s) on $cores cores: mpirun --oversubscribe --bind-to none"
        fi
        cmd+=("${prun[@]}")
    elif [ "${plan_mode_threads[$mode]:-0}" = 1 ]; then
        cmd=(env OMP_NUM_THREADS="$t" OMP_PLACES=cores OMP_PROC_BIND=close "${prun[@]}")
        [ "$t" -gt "$cores" ] && note="oversubscribed: $t threads on $cores cores"
    else
        cmd=("${prun[@]}")
    fi
    return 0
}

# A command line as one could paste it: words quoted only where needed.
plan_quote() {
    local w out="" plain='^[][A-Za-z0-9_,.=:/%@+$-]+$'
    for w in "$@"; do
        if [[ "$w" =~ $plain ]]; then out+=" $w"
        else out+=" '${w//\'/\'\\\'\'}'"; fi
    done
    echo "${out# }"
}

# Say "1.2 s", "48 s" or "3 min"
plan_seconds() {
    awk -v s="$1" 'BEGIN { if (s < 10) printf "%.2f s", s; else if (s < 120) printf "%.0f s", s; else printf "%.0f min", s / 60 }'
}
