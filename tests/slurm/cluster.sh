#!/usr/bin/env bash
# A real one-node Slurm cluster on localhost (munged + slurmctld + slurmd),
# for the tests and for trying jobs/slurm/ on a laptop.  Needs root (slurmd
# starts job steps as their users; munged runs as the munge user) and the
# Debian packages slurm-wlm and munge.  Nothing under /etc is touched: the
# key, sockets, state, spool and logs live in one private folder.
#
#   tests/slurm/cluster.sh start    start it and wait until a probe job ran
#   tests/slurm/cluster.sh status   what runs (exit 0 only when all three do)
#   tests/slurm/cluster.sh env      print the line that points clients at it
#   tests/slurm/cluster.sh stop     cancel every job, wait, stop the daemons
#
#   PARITY_SLURM_DIR   the private folder (default /tmp/parity-slurm)
#   PARITY_SLURM_PORT  slurmctld's port, slurmd uses the next one
#                      (default: the first free pair from 6817)
#
# Every Slurm client command needs SLURM_CONF: eval "$(cluster.sh env)".
set -euo pipefail

dir=${PARITY_SLURM_DIR:-/tmp/parity-slurm}
conf=$dir/slurm.conf
say() { echo "cluster: $*"; }
die() { echo "cluster: $*" >&2; exit 1; }

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }

# pid from a pid file, if that process still runs
alive() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(cat "$1")
    kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# nothing listens on 127.0.0.1:$1 (bash's /dev/tcp: no extra tool needed)
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
    local p=${PARITY_SLURM_PORT:-6817}
    [ -n "${PARITY_SLURM_PORT:-}" ] && { echo "$p"; return; }
    while ! port_free "$p" || ! port_free $((p + 1)); do p=$((p + 2)); done
    echo "$p"
}

# wait up to $1 seconds for the command after it to succeed
wait_for() {
    local limit=$1 t=0
    shift
    until "$@" >/dev/null 2>&1; do
        t=$((t + 1))
        [ "$t" -le $((limit * 5)) ] || return 1
        sleep 0.2
    done
}

start_munge() {
    local m=$dir/munge
    mkdir -p "$m"
    chown munge: "$m"
    chmod 0711 "$m"   # munged wants the socket folder searchable by all
    if [ ! -s "$m/munge.key" ]; then
        dd if=/dev/urandom bs=1 count=1024 of="$m/munge.key" status=none
        chown munge: "$m/munge.key"
        chmod 0400 "$m/munge.key"
    fi
    say "starting munged (socket $m/munge.socket)"
    runuser -u munge -- munged --socket="$m/munge.socket" --key-file="$m/munge.key" \
        --pid-file="$m/munged.pid" --log-file="$m/munged.log" --seed-file="$m/munged.seed" \
        --origin=127.0.0.1 || die "munged failed (see $m/munged.log)"
    wait_for 10 test -S "$m/munge.socket" || die "munged did not start (see $m/munged.log)"
}

# slurm.conf with this machine's CPU, topology and memory as slurmd sees them
write_conf() {
    local port=$1 hw
    hw=$(slurmd -C | head -1 | tr ' ' '\n' |
        grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | tr '\n' ' ')
    cat >"$conf" <<EOF
# A one-node test cluster written by tests/slurm/cluster.sh
ClusterName=parity
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SchedulerParameters=batch_sched_delay=0
EnforcePartLimits=ALL
MailProg=/bin/true
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

node_idle() { sinfo -h -N -o %t | grep -qx idle; }
queue_empty() { [ -z "$(squeue -h -o %i)" ]; }

start() {
    [ "$(id -u)" -eq 0 ] || die "needs root (slurmd launches job steps; munged runs as munge)"
    local c
    for c in munged slurmctld slurmd sbatch srun runuser; do
        command -v "$c" >/dev/null || die "$c not found (apt-get install slurm-wlm munge)"
    done
    id munge >/dev/null 2>&1 || die "no munge user (apt-get install munge)"
    if alive "$dir/run/slurmctld.pid" >/dev/null; then
        say "already running in $dir"
        return 0
    fi
    mkdir -p "$dir"
    chmod 0711 "$dir"
    rm -rf "$dir/state" "$dir/spool"
    mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
    local port
    port=$(pick_port)
    write_conf "$port"
    export SLURM_CONF=$conf
    start_munge
    say "starting slurmctld (port $port) and slurmd (port $((port + 1))), config $conf"
    slurmctld -f "$conf" || die "slurmctld failed (see $dir/log/slurmctld.log)"
    slurmd -f "$conf" -N localhost || die "slurmd failed (see $dir/log/slurmd.log)"
    wait_for 30 node_idle || die "node not idle after 30 s (see $dir/log/)"
    # The scheduler needs a few more seconds before it starts the first job.
    local id
    id=$(sbatch --parsable --output=/dev/null --wrap true) || die "probe job not accepted"
    wait_for 60 queue_empty || die "probe job $id did not run within 60 s"
    say "up: one node, $(sinfo -h -o %c) CPUs; clients need: export SLURM_CONF=$conf"
}

stop_daemon() {
    local name=$1 pidfile=$2 pid
    pid=$(alive "$pidfile") || return 0
    say "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    wait_for 10 bash -c "! kill -0 $pid" || { kill -9 "$pid" 2>/dev/null || true; }
}

stop() {
    export SLURM_CONF=$conf
    if alive "$dir/run/slurmctld.pid" >/dev/null; then
        local jobs
        jobs=$(squeue -h -o %i 2>/dev/null | tr '\n' ' ')
        if [ -n "${jobs// /}" ]; then
            say "cancelling jobs $jobs"
            # shellcheck disable=SC2086
            scancel $jobs 2>/dev/null || true
            wait_for 20 queue_empty || say "queue not empty after 20 s, stopping anyway"
        fi
    fi
    stop_daemon slurmd "$dir/run/slurmd.pid"
    stop_daemon slurmctld "$dir/run/slurmctld.pid"
    stop_daemon munged "$dir/munge/munged.pid"
    say "stopped (logs stay in $dir/log)"
}

status() {
    local rc=0 name pidfile pid
    for name in munged slurmctld slurmd; do
        case $name in
            munged) pidfile=$dir/munge/munged.pid ;;
            *) pidfile=$dir/run/$name.pid ;;
        esac
        if pid=$(alive "$pidfile"); then echo "$name running (pid $pid)"
        else echo "$name not running"; rc=1; fi
    done
    if [ $rc -eq 0 ]; then
        SLURM_CONF=$conf sinfo -N -o '%N %t %c CPUs' || rc=1
    fi
    return $rc
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    env) echo "export SLURM_CONF=$conf" ;;
    -h|--help) usage ;;
    *) usage >&2; exit 2 ;;
esac
