#!/usr/bin/env bash
# Starts a standalone cluster on this machine: the JobManager of conf/masters and one
# TaskManager per line of conf/workers. Extra arguments (-D key=value) go to every process.
# With high-availability.type zookeeper it first starts the ZooKeeper servers of conf/zoo.cfg
# on this machine; RIVULET_START_ZOOKEEPER=false skips that (a quorum run by someone else).
source "$(dirname "$0")/rivulet-daemon.sh"

is_local() {
    case "$1" in localhost|127.0.0.1|::1|"$(hostname)") return 0 ;; *) return 1 ;; esac
}

masters=()
while read -r line; do
    line="${line%%#*}"; line="$(echo "$line" | tr -d '[:space:]')"
    [ -n "$line" ] && masters+=("$line")
done <"$CONF_DIR/masters"
workers=()
while read -r line; do
    line="${line%%#*}"; line="$(echo "$line" | tr -d '[:space:]')"
    [ -n "$line" ] && workers+=("$line")
done <"$CONF_DIR/workers"

# high-availability.type from -D arguments, else rivulet.yaml, else none.
ha_type=none
if [ -f "$CONF_DIR/rivulet.yaml" ]; then
    line="$(grep -E '^[[:space:]]*high-availability\.type[[:space:]]*:' "$CONF_DIR/rivulet.yaml" | tail -1 || true)"
    [ -n "$line" ] && ha_type="$(echo "${line#*:}" | sed 's/#.*//' | tr -d "[:space:]\"'")"
fi
prev=""
for arg in "$@"; do
    # -D key=value (two arguments) or -Dkey=value (one).
    if [ "$prev" = "-D" ]; then
        case "$arg" in high-availability.type=*) ha_type="${arg#*=}" ;; esac
    fi
    case "$arg" in -Dhigh-availability.type=*) ha_type="${arg#*=}" ;; esac
    prev="$arg"
done

if [ ${#masters[@]} -eq 0 ]; then
    echo "error: conf/masters lists no JobManager" >&2
    exit 1
fi
if [ ${#masters[@]} -gt 1 ] && [ "$ha_type" != "zookeeper" ]; then
    echo "error: conf/masters lists ${#masters[@]} JobManagers but high-availability.type is $ha_type; several JobManagers need high-availability.type: zookeeper (a standalone cluster has exactly one)" >&2
    exit 1
fi
for entry in "${masters[@]}"; do
    host="${entry%:*}"
    if ! is_local "$host"; then
        echo "error: host '$host' is not this machine; start remote processes there with bin/jobmanager.sh or bin/taskmanager.sh" >&2
        exit 1
    fi
done
for host in "${workers[@]}"; do
    if ! is_local "$host"; then
        echo "error: host '$host' is not this machine; start remote processes there with bin/jobmanager.sh or bin/taskmanager.sh" >&2
        exit 1
    fi
done

if [ "$ha_type" = "zookeeper" ] && [ "${RIVULET_START_ZOOKEEPER:-true}" = "true" ]; then
    # The servers of conf/zoo.cfg that run on this machine (none if the quorum is elsewhere).
    "$(dirname "$0")/zookeeper.sh" start
fi

rpc=()
# Several JobManagers on one machine cannot share an RPC port: each binds a free one and the
# leader publishes its address in ZooKeeper.
[ ${#masters[@]} -gt 1 ] && rpc=(-D "jobmanager.rpc.port=0")
for entry in "${masters[@]}"; do
    daemon_start jobmanager -D "rest.port=${entry##*:}" "${rpc[@]}" "$@"
done
for _ in "${workers[@]}"; do
    daemon_start taskmanager "$@"
done
