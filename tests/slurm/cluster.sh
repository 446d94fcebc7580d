#!/usr/bin/env bash
# A real Slurm cluster on this machine, for the tests and for trying
# jobs/slurm/ on a laptop: one munged and one slurmctld on the host, and one
# slurmd per node.  One node (the default) runs on localhost; with --nodes N
# each node is its own network + hostname namespace (a veth into a private
# bridge, 10.77.0.(10+i)/24, nothing routed off the machine), so Slurm and
# MPI see N separate hosts that talk over TCP.  Needs root and the Debian
# packages slurm-wlm, munge (and iproute2, util-linux for --nodes > 1).
# Nothing under /etc is touched: key, sockets, state, spool, logs live in one
# private folder.
#
#   tests/slurm/cluster.sh start [--nodes N] [--cpus C]
#                                   start it, wait until a probe job ran; every
#                                   node gets C CPUs (default: this machine's)
#   tests/slurm/cluster.sh status   what runs (exit 0 only when everything does)
#   tests/slurm/cluster.sh env      print the line that points clients at it
#   tests/slurm/cluster.sh stop     cancel every job, stop the daemons, remove
#                                   the namespaces, links and the bridge
#   tests/slurm/cluster.sh node-down I / node-up I
#                                   kill every process of node I and cut its
#                                   link (a node that dies) / bring it back
#
#   PARITY_SLURM_DIR   the private folder (default /tmp/parity-slurm)
#   PARITY_SLURM_PORT  slurmctld's port, slurmd uses the next one
#                      (default: the first free pair from 6817)
#   PARITY_SLURM_NET   the first three octets of the nodes' subnet (default 10.77.0)
#
# Every Slurm client command needs SLURM_CONF: eval "$(cluster.sh env)".
set -euo pipefail

dir=${PARITY_SLURM_DIR:-/tmp/parity-slurm}
conf=$dir/slurm.conf
net=${PARITY_SLURM_NET:-10.77.0}
# Interface and namespace names are global on the host: one prefix marks ours.
bridge=parity-br0
say() { echo "cluster: $*"; }
die() { echo "cluster: $*" >&2; exit 1; }

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; }

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

nodes_of_dir() { cat "$dir/run/nodes" 2>/dev/null || echo 1; }
ns_name() { echo "parity-node$1"; }     # network namespace of node I
veth_name() { echo "parity-v$1"; }      # its link's host end
node_addr() { echo "$net.$((10 + $1))"; }

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

# slurm.conf (+ mpi.conf) with this machine's CPUs, topology and memory as
# slurmd sees them, given to every node: N nodes oversubscribe the machine N
# times over, which is what a test cluster wants.
write_conf() {
    local port=$1 n=$2 cpus=$3 hw ctl nodeline
    hw=$(slurmd -C | head -1 | tr ' ' '\n' |
        grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | tr '\n' ' ')
    if [ -n "$cpus" ]; then # more (or fewer) CPUs than the machine: one socket of C cores
        hw="CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 $(
            echo "$hw" | tr ' ' '\n' | grep '^RealMemory=')"
    fi
    if [ "$n" -eq 1 ]; then
        ctl=localhost
        nodeline="NodeName=localhost NodeAddr=127.0.0.1 $hw State=UNKNOWN"
        nodes=localhost
    else
        ctl="$(hostname)($net.1)"
        nodeline="NodeName=node[1-$n] NodeAddr=$net.[11-$((10 + n))] $hw State=UNKNOWN"
        nodes="node[1-$n]"
    fi
    cat >"$conf" <<EOF
# A $n-node test cluster written by tests/slurm/cluster.sh
ClusterName=parity
SlurmctldHost=$ctl
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
# Per node (%n): every node shares this file system.  TmpFS too: PMIx makes
# /tmp/spmix_appdir_* per node and fails ("File exists") on a shared /tmp.
SlurmdSpoolDir=$dir/spool/%n
SlurmdPidFile=$dir/run/slurmd.%n.pid
SlurmdLogFile=$dir/log/slurmd.%n.log
TmpFS=$dir/tmp/%n
SlurmdParameters=config_overrides
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmctldLogFile=$dir/log/slurmctld.log
ProctrackType=proctrack/linuxproc
TaskPlugin=$([ "$n" -eq 1 ] && echo task/affinity || echo task/none)
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
# A node that stops answering is DOWN within ~30 s (SlurmdTimeout, default
# 300 s, plus the controller's ping timing out after MessageTimeout=10), and
# its jobs end NODE_FAIL instead of being requeued: the node-failure test
# needs both.  5 s instead of 10 was no faster (the ping dominates).
SlurmdTimeout=10
JobRequeue=0
KillWait=5
$nodeline
PartitionName=debug Nodes=$nodes Default=YES MaxTime=INFINITE State=UP
EOF
    # Slurm 22.05's default PMIx fence (a tree) returns at once when the job
    # has fewer nodes than TreeWidth (50), so a rank can leave MPI_Init before
    # a peer registered its callbacks: Open MPI then crashes in ~1-3 % of
    # small multi-node jobs.  The ring fence has no such race.
    echo "PMIxCollFence=ring" >"$dir/mpi.conf"
}

node_count_idle() { [ "$(sinfo -h -N -o %t | grep -c '^idle')" -ge "$1" ]; }
queue_empty() { [ -z "$(squeue -h -o %i)" ]; }

# The bridge on the host (the controller's address) and one namespace per node.
make_network() {
    local n=$1 i ns veth
    if ip link show "$bridge" >/dev/null 2>&1; then
        die "$bridge exists already: another multi-node cluster runs (stop it first)"
    fi
    say "network: bridge $bridge $net.1/24, nodes $net.11-$((10 + n)) in namespaces parity-node1-$n"
    # recorded first, so that stop removes whatever part of it was made
    echo "$n" >"$dir/run/nodes"
    ip link add "$bridge" type bridge
    ip addr add "$net.1/24" dev "$bridge"
    ip link set "$bridge" up
    for i in $(seq 1 "$n"); do
        ns=$(ns_name "$i") veth=$(veth_name "$i")
        ip netns add "$ns"
        ip link add "$veth" type veth peer name eth0 netns "$ns"
        ip link set "$veth" master "$bridge" up
        ip -n "$ns" addr add "$(node_addr "$i")/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
    done
}

# slurmd of node I in its namespaces.  nsenter, not `ip netns exec`: that one
# remounts /sys, hiding the cgroup mounts slurmd needs.
start_slurmd() {
    local i=$1 name=node$1
    mkdir -p "$dir/spool/$name" "$dir/tmp/$name"
    nsenter --net="/run/netns/$(ns_name "$i")" -- unshare --uts -- \
        sh -c "hostname $name && exec slurmd -f '$conf' -N $name" ||
        die "slurmd of $name failed (see $dir/log/slurmd.$name.log)"
}

start() {
    local n=1 cpus=""
    while [ $# -gt 0 ]; do
        case $1 in
            --nodes) n=${2:-}; shift 2 || die "--nodes needs a count" ;;
            --cpus) cpus=${2:-}; shift 2 || die "--cpus needs a count" ;;
            *) die "start: unknown option $1 (start [--nodes N] [--cpus C])" ;;
        esac
    done
    [[ "$n" =~ ^[1-9][0-9]?$ ]] && [ "$n" -le 64 ] || die "--nodes: '$n' is not a count from 1 to 64"
    [ -z "$cpus" ] || [[ "$cpus" =~ ^[1-9][0-9]{0,2}$ ]] || die "--cpus: '$cpus' is not a count from 1 to 999"
    [ "$(id -u)" -eq 0 ] || die "needs root (slurmd launches job steps; munged runs as munge)"
    local c
    for c in munged slurmctld slurmd sbatch srun runuser; do
        command -v "$c" >/dev/null || die "$c not found (apt-get install slurm-wlm munge)"
    done
    if [ "$n" -gt 1 ]; then
        for c in ip nsenter unshare; do
            command -v "$c" >/dev/null || die "$c not found (apt-get install iproute2 util-linux)"
        done
        unshare --net --uts true 2>/dev/null ||
            die "cannot make network/hostname namespaces here (unshare --net --uts refused)"
    fi
    id munge >/dev/null 2>&1 || die "no munge user (apt-get install munge)"
    if alive "$dir/run/slurmctld.pid" >/dev/null; then
        [ "$(nodes_of_dir)" -eq "$n" ] ||
            die "already running in $dir with $(nodes_of_dir) node(s), not $n: stop it first"
        say "already running in $dir ($n node(s))"
        return 0
    fi
    mkdir -p "$dir"
    chmod 0711 "$dir"
    rm -rf "$dir/state" "$dir/spool" "$dir/tmp"
    mkdir -p "$dir/state" "$dir/spool" "$dir/tmp" "$dir/log" "$dir/run"
    echo 1 >"$dir/run/nodes"
    local port i
    port=$(pick_port)
    write_conf "$port" "$n" "$cpus"
    export SLURM_CONF=$conf
    [ "$n" -eq 1 ] || make_network "$n"
    start_munge
    say "starting slurmctld (port $port) and $n slurmd (port $((port + 1))), config $conf"
    slurmctld -f "$conf" || die "slurmctld failed (see $dir/log/slurmctld.log)"
    if [ "$n" -eq 1 ]; then
        mkdir -p "$dir/spool/localhost" "$dir/tmp/localhost"
        slurmd -f "$conf" -N localhost || die "slurmd failed (see $dir/log/slurmd.localhost.log)"
    else
        for i in $(seq 1 "$n"); do start_slurmd "$i"; done
    fi
    wait_for 30 node_count_idle "$n" || die "not all $n node(s) idle after 30 s (see $dir/log/)"
    # The scheduler needs a few more seconds before it starts the first job;
    # the probe spans every node.
    local id
    id=$(sbatch --parsable -N "$n" --output=/dev/null --wrap "srun --mpi=none true") ||
        die "probe job not accepted"
    wait_for 60 queue_empty || die "probe job $id did not run within 60 s"
    say "up: $n node(s) ($(sinfo -h -o %N)), $(sinfo -h -o %c | head -1) CPUs each; clients need: export SLURM_CONF=$conf"
}

stop_daemon() {
    local name=$1 pidfile=$2 pid
    pid=$(alive "$pidfile") || return 0
    say "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    wait_for 10 bash -c "! kill -0 $pid" || { kill -9 "$pid" 2>/dev/null || true; }
}

# Every process inside node I's network namespace (slurmd, slurmstepd, tasks).
ns_pids() { ip netns pids "$(ns_name "$1")" 2>/dev/null || true; }

remove_network() {
    local n=$1 i ns pids
    for i in $(seq "$n" -1 1); do
        ns=$(ns_name "$i")
        [ -e "/run/netns/$ns" ] || continue
        pids=$(ns_pids "$i")
        if [ -n "$pids" ]; then
            # shellcheck disable=SC2086
            kill -9 $pids 2>/dev/null || true
            wait_for 5 test -z "$(ns_pids "$i")" || say "processes left in $ns: $(ns_pids "$i" | xargs)"
        fi
        ip link del "$(veth_name "$i")" 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || say "could not remove namespace $ns"
    done
    if ip link show "$bridge" >/dev/null 2>&1; then ip link del "$bridge"; fi
}

stop() {
    export SLURM_CONF=$conf
    local n i
    n=$(nodes_of_dir)
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
    # the Slurm daemons all at once (each takes seconds to wind down), munged last
    if [ "$n" -eq 1 ]; then
        stop_daemon slurmd "$dir/run/slurmd.localhost.pid" &
    else
        for i in $(seq 1 "$n"); do stop_daemon "slurmd of node$i" "$dir/run/slurmd.node$i.pid" & done
    fi
    stop_daemon slurmctld "$dir/run/slurmctld.pid" &
    wait
    stop_daemon munged "$dir/munge/munged.pid"
    [ "$n" -eq 1 ] || remove_network "$n"
    echo 1 >"$dir/run/nodes" 2>/dev/null || true
    say "stopped (logs stay in $dir/log)"
}

# A node that dies: every process in it gone at once, its link cut.
node_down() {
    local i=${1:?node-down needs a node number} pids
    [ "$(nodes_of_dir)" -gt 1 ] && [ "$i" -ge 1 ] && [ "$i" -le "$(nodes_of_dir)" ] ||
        die "node-down: no node $i in a multi-node cluster in $dir"
    pids=$(ns_pids "$i")
    say "node$i dies: killing $(echo "$pids" | wc -w) process(es), link $(veth_name "$i") down"
    ip link set "$(veth_name "$i")" down
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
}

node_up() {
    local i=${1:?node-up needs a node number}
    [ "$(nodes_of_dir)" -gt 1 ] && [ "$i" -ge 1 ] && [ "$i" -le "$(nodes_of_dir)" ] ||
        die "node-up: no node $i in a multi-node cluster in $dir"
    export SLURM_CONF=$conf
    ip link set "$(veth_name "$i")" up
    alive "$dir/run/slurmd.node$i.pid" >/dev/null || start_slurmd "$i"
    # ReturnToService=2: a DOWN node returns when its slurmd registers.
    wait_for 60 bash -c "sinfo -h -n node$i -o %t | grep -qx idle" ||
        die "node$i not idle 60 s after its slurmd started (see $dir/log/slurmd.node$i.log)"
    say "node$i is back: $(sinfo -h -n "node$i" -o '%N %t')"
}

status() {
    local rc=0 pid n i
    n=$(nodes_of_dir)
    if pid=$(alive "$dir/munge/munged.pid"); then echo "munged running (pid $pid)"
    else echo "munged not running"; rc=1; fi
    if pid=$(alive "$dir/run/slurmctld.pid"); then echo "slurmctld running (pid $pid)"
    else echo "slurmctld not running"; rc=1; fi
    if [ "$n" -eq 1 ]; then
        if pid=$(alive "$dir/run/slurmd.localhost.pid"); then echo "slurmd running (pid $pid)"
        else echo "slurmd not running"; rc=1; fi
    else
        for i in $(seq 1 "$n"); do
            if pid=$(alive "$dir/run/slurmd.node$i.pid"); then
                echo "slurmd of node$i running (pid $pid, $(node_addr "$i") in namespace $(ns_name "$i"))"
            else echo "slurmd of node$i not running"; rc=1; fi
        done
    fi
    if [ $rc -eq 0 ]; then
        SLURM_CONF=$conf sinfo -N -o '%N %t %c CPUs' || rc=1
    fi
    return $rc
}

cmd=${1:-}
[ $# -eq 0 ] || shift
case "$cmd" in
    start) start "$@" ;;
    stop) stop ;;
    status) status ;;
    env) echo "export SLURM_CONF=$conf" ;;
    node-down) node_down "$@" ;;
    node-up) node_up "$@" ;;
    -h|--help) usage ;;
    *) usage >&2; exit 2 ;;
esac
