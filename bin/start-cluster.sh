#!/usr/bin/env bash
# Starts a standalone cluster on this machine: the JobManager of conf/masters and one
# TaskManager per line of conf/workers. Extra arguments (-D key=value) go to every process.
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

if [ ${#masters[@]} -ne 1 ]; then
    echo "error: conf/masters lists ${#masters[@]} JobManagers; a standalone cluster (high-availability.type: none) has exactly one" >&2
    exit 1
fi
for host in "${masters[0]%:*}" "${workers[@]}"; do
    if ! is_local "$host"; then
        echo "error: host '$host' is not this machine; start remote processes there with bin/jobmanager.sh or bin/taskmanager.sh" >&2
        exit 1
    fi
done

rest_port="${masters[0]##*:}"
daemon_start jobmanager -D "rest.port=$rest_port" "$@"
for _ in "${workers[@]}"; do
    daemon_start taskmanager "$@"
done
