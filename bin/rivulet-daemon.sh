#!/usr/bin/env bash
# Shared by jobmanager.sh, taskmanager.sh, start-cluster.sh and stop-cluster.sh: starts and
# stops Rivulet processes in the background with pid files and logs under log/.
#
# Environment:
#   RIVULET_BIN       the rivulet binary (default: build .build/release/rivulet with bin/setup)
#   RIVULET_CONF_DIR  the configuration directory (default: conf/)
#   RIVULET_LOG_DIR   where pid files and logs go (default: log/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONF_DIR="${RIVULET_CONF_DIR:-$root/conf}"
LOG_DIR="${RIVULET_LOG_DIR:-$root/log}"

rivulet_bin() {
    if [ -n "${RIVULET_BIN:-}" ]; then
        echo "$RIVULET_BIN"
        return
    fi
    command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
    if ! (cd "$root" && bin/setup release) >"$LOG_DIR/build.log" 2>&1; then
        echo "error: building rivulet failed; see $LOG_DIR/build.log" >&2
        exit 1
    fi
    echo "$root/.build/release/rivulet"
}

# True when the pid file names a live process.
pid_alive() {
    [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# daemon_start KIND [args...]: starts `rivulet KIND` as the next free instance number.
daemon_start() {
    local kind="$1"; shift
    mkdir -p "$LOG_DIR"
    local bin; bin="$(rivulet_bin)"
    local n=0
    while pid_alive "$LOG_DIR/$kind-$n.pid"; do n=$((n + 1)); done
    local log="$LOG_DIR/$kind-$n.log"
    # Append: a restarted instance keeps the log of the one before it.
    nohup "$bin" "$kind" --conf "$CONF_DIR" "$@" >>"$log" 2>&1 </dev/null &
    echo $! >"$LOG_DIR/$kind-$n.pid"
    echo "Started $kind $n (pid $!), log $log"
}

# daemon_stop KIND [all]: stops the newest instance (or all) with SIGTERM, then SIGKILL after 15 s.
daemon_stop() {
    local kind="$1" which="${2:-last}"
    local files=()
    for f in "$LOG_DIR/$kind"-*.pid; do
        [ -f "$f" ] && files+=("$f")
    done
    if [ ${#files[@]} -eq 0 ]; then
        echo "No $kind to stop."
        return 0
    fi
    if [ "$which" != "all" ]; then
        files=("$(printf '%s\n' "${files[@]}" | sort -V | tail -1)")
    fi
    for f in "${files[@]}"; do
        local pid; pid="$(cat "$f")"
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 150); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            if kill -0 "$pid" 2>/dev/null; then
                echo "$kind (pid $pid) did not stop within 15 s; killing it"
                kill -KILL "$pid" 2>/dev/null || true
            fi
            echo "Stopped $kind (pid $pid)"
        fi
        rm -f "$f"
    done
}

# daemon_main KIND start|stop|stop-all|start-foreground [args...]
daemon_main() {
    local kind="$1"; shift
    local action="${1:-}"
    [ $# -gt 0 ] && shift
    case "$action" in
        start) daemon_start "$kind" "$@" ;;
        stop) daemon_stop "$kind" last ;;
        stop-all) daemon_stop "$kind" all ;;
        start-foreground)
            mkdir -p "$LOG_DIR"
            exec "$(rivulet_bin)" "$kind" --conf "$CONF_DIR" "$@" ;;
        *)
            echo "usage: $(basename "$0") start|stop|stop-all|start-foreground [-D key=value ...]" >&2
            exit 2 ;;
    esac
}
