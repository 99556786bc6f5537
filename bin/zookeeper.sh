#!/usr/bin/env bash
# Starts, stops and checks ZooKeeper for Rivulet's high availability, configured by conf/zoo.cfg:
#   bin/zookeeper.sh start [N]              start the server(s) in the background; wait until serving
#   bin/zookeeper.sh stop [N]               stop them (SIGTERM, then SIGKILL after 10 s)
#   bin/zookeeper.sh status [N]             print each server's mode; non-zero if one is not serving
#   bin/zookeeper.sh start-foreground [N]   run one server in the foreground
# Without server.N lines in the cfg there is one standalone server, number 0; with them, one
# server per line whose host is this machine (see conf/zoo.cfg). N picks one server.
#
# Environment:
#   RIVULET_CONF_DIR         the configuration directory (default: conf/)
#   RIVULET_ZOO_CFG          the ZooKeeper configuration (default: $RIVULET_CONF_DIR/zoo.cfg)
#   RIVULET_LOG_DIR          where pid files, logs, generated cfgs and data go (default: log/)
#   RIVULET_ZK_START_TIMEOUT seconds `start` waits for the servers to serve (default 30; 0: no wait)
#   RIVULET_ZK_JVM_OPTS      JVM options (default: -Xmx256m -XX:+UseSerialGC)
#   RIVULET_ZK_CLASSPATH     the server's classpath (default: Debian's zookeeper.jar + slf4j-simple.jar)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONF_DIR="${RIVULET_CONF_DIR:-$root/conf}"
LOG_DIR="${RIVULET_LOG_DIR:-$root/log}"
ZOO_CFG="${RIVULET_ZOO_CFG:-$CONF_DIR/zoo.cfg}"
START_TIMEOUT="${RIVULET_ZK_START_TIMEOUT:-30}"
STOP_TIMEOUT=10
ZK_JAR=/usr/share/java/zookeeper.jar
# zookeeper.jar's manifest names its other jars (all in Debian's libzookeeper-java); slf4j-simple
# is the logging backend: it writes to stderr, which goes to the server's log file.
CLASSPATH_DEFAULT="$ZK_JAR:/usr/share/java/slf4j-simple.jar"
MAIN_CLASS=org.apache.zookeeper.server.quorum.QuorumPeerMain

die() {
    echo "error: $*" >&2
    exit 1
}

usage() {
    echo "usage: $(basename "$0") start|stop|status|start-foreground [N]" >&2
    exit 2
}

check_runtime() {
    command -v java >/dev/null 2>&1 \
        || die "java not found; run bin/setup as root to install the zookeeper package (it brings a Java runtime)"
    [ -n "${RIVULET_ZK_CLASSPATH:-}" ] || [ -f "$ZK_JAR" ] \
        || die "$ZK_JAR not found; run bin/setup as root to install the zookeeper package"
}

# ---- configuration

declare -A KEYS=()       # key -> value of the cfg's plain keys, in file order in KEY_ORDER
KEY_ORDER=()
declare -A SERVER_LINE=() # N -> the server.N value
SERVER_IDS=()             # all N, ascending
LOCAL_IDS=()              # the N to run here (0 for standalone)
declare -A CLIENT_HOST=() # N -> address to ask srvr at
declare -A CLIENT_PORT=() # N -> client port

trim() {
    local s="$1"
    s="${s#"${s%%[![:space:]]*}"}"
    s="${s%"${s##*[![:space:]]}"}"
    printf '%s' "$s"
}

is_local_host() {
    local h="$1"
    case "$h" in
        localhost|localhost.localdomain|127.*|::1|0.0.0.0) return 0 ;;
    esac
    [ "$h" = "$(hostname)" ] && return 0
    [ "$h" = "$(hostname -f 2>/dev/null || true)" ] && return 0
    local a
    for a in $(hostname -I 2>/dev/null || true); do
        [ "$h" = "$a" ] && return 0
    done
    return 1
}

# Splits a server.N value "host:peer:election[:role][;[clientAddr:]clientPort]" into
# SV_HOST and SV_CLIENT (the part after ';', possibly empty).
split_server() {
    local value="$1" addr
    addr="${value%%;*}"
    SV_CLIENT=""
    [ "$addr" != "$value" ] && SV_CLIENT="$(trim "${value#*;}")"
    if [ "${addr:0:1}" = "[" ]; then
        SV_HOST="${addr#[}"; SV_HOST="${SV_HOST%%]*}"
    else
        SV_HOST="${addr%%:*}"
    fi
}

load_config() {
    [ -f "$ZOO_CFG" ] || die "ZooKeeper configuration $ZOO_CFG not found (set RIVULET_ZOO_CFG or RIVULET_CONF_DIR)"
    local line key value
    while IFS= read -r line || [ -n "$line" ]; do
        line="$(trim "$line")"
        case "$line" in ""|"#"*) continue ;; esac
        [[ "$line" == *=* ]] || die "$ZOO_CFG: line '$line' is not key=value"
        key="$(trim "${line%%=*}")"
        value="$(trim "${line#*=}")"
        if [[ "$key" =~ ^server\.([0-9]+)$ ]]; then
            local n=$((10#${BASH_REMATCH[1]}))
            if [ "$n" -lt 1 ] || [ "$n" -gt 255 ]; then
                die "$ZOO_CFG: server ids go from 1 to 255, got $key"
            fi
            [ -z "${SERVER_LINE[$n]:-}" ] || die "$ZOO_CFG: server.$n is listed twice"
            SERVER_LINE[$n]="$value"
        else
            [ -n "${KEYS[$key]+x}" ] || KEY_ORDER+=("$key")
            KEYS[$key]="$value"
        fi
    done <"$ZOO_CFG"

    local default_host="${KEYS[clientPortAddress]:-127.0.0.1}"
    [ "$default_host" = "0.0.0.0" ] && default_host=127.0.0.1
    if [ ${#SERVER_LINE[@]} -eq 0 ]; then
        [ -n "${KEYS[clientPort]:-}" ] || die "$ZOO_CFG has neither clientPort nor server.N lines"
        LOCAL_IDS=(0)
        CLIENT_HOST[0]="$default_host"
        CLIENT_PORT[0]="${KEYS[clientPort]}"
        return
    fi
    mapfile -t SERVER_IDS < <(printf '%s\n' "${!SERVER_LINE[@]}" | sort -n)
    declare -A seen_port=()
    local n
    for n in "${SERVER_IDS[@]}"; do
        split_server "${SERVER_LINE[$n]}"
        is_local_host "$SV_HOST" || continue
        LOCAL_IDS+=("$n")
        if [ -z "$SV_CLIENT" ]; then
            [ -n "${KEYS[clientPort]:-}" ] || die "$ZOO_CFG: server.$n has no ';clientPort' and there is no clientPort key"
            CLIENT_HOST[$n]="$default_host"
            CLIENT_PORT[$n]="${KEYS[clientPort]}"
        elif [[ "$SV_CLIENT" == *:* ]]; then
            CLIENT_HOST[$n]="${SV_CLIENT%:*}"
            CLIENT_PORT[$n]="${SV_CLIENT##*:}"
            CLIENT_HOST[$n]="${CLIENT_HOST[$n]#[}"; CLIENT_HOST[$n]="${CLIENT_HOST[$n]%]}"
            [ "${CLIENT_HOST[$n]}" = "0.0.0.0" ] && CLIENT_HOST[$n]=127.0.0.1
        else
            CLIENT_HOST[$n]=127.0.0.1
            CLIENT_PORT[$n]="$SV_CLIENT"
        fi
        [[ "${CLIENT_PORT[$n]}" =~ ^[0-9]+$ ]] || die "$ZOO_CFG: server.$n has client port '${CLIENT_PORT[$n]}'"
        if [ -n "${seen_port[${CLIENT_PORT[$n]}]:-}" ]; then
            die "$ZOO_CFG: servers ${seen_port[${CLIENT_PORT[$n]}]} and $n both use client port ${CLIENT_PORT[$n]} on this machine; give each its own with server.N=host:peer:election;clientPort"
        fi
        seen_port[${CLIENT_PORT[$n]}]="$n"
    done
    [ ${#LOCAL_IDS[@]} -gt 0 ] || die "no server in $ZOO_CFG is on this machine ($(hostname))"
}

ensemble() { [ ${#SERVER_IDS[@]} -gt 1 ]; }

# A dataDir or dataLogDir for server N: <log dir>/zookeeper-N/data by default, <base>/zookeeper-N
# when the cfg names a base (relative bases are taken from the log dir).
server_dir() {
    local n="$1" base="$2"
    if [ -z "$base" ]; then
        echo "$LOG_DIR/zookeeper-$n/data"
    else
        case "$base" in /*) ;; *) base="$LOG_DIR/$base" ;; esac
        echo "$base/zookeeper-$n"
    fi
}

# Writes <log dir>/zookeeper-N.cfg and the data directory (with myid in an ensemble).
write_server_cfg() {
    local n="$1" data key
    local cfg="$LOG_DIR/zookeeper-$n.cfg"
    data="$(server_dir "$n" "${KEYS[dataDir]:-}")"
    mkdir -p "$data"
    SV_CLIENT=""
    [ "$n" = 0 ] || split_server "${SERVER_LINE[$n]}"
    {
        echo "# Generated by bin/zookeeper.sh from $ZOO_CFG for server $n; edit that file instead."
        for key in "${KEY_ORDER[@]}"; do
            case "$key" in
                dataDir|dataLogDir|4lw.commands.whitelist|admin.enableServer) continue ;;
                clientPort|clientPortAddress)
                    # A server line's ';clientPort' and these keys may not both be given.
                    [ -n "$SV_CLIENT" ] && continue ;;
            esac
            echo "$key=${KEYS[$key]}"
        done
        echo "dataDir=$data"
        if [ -n "${KEYS[dataLogDir]:-}" ]; then
            local dlog; dlog="$(server_dir "$n" "${KEYS[dataLogDir]}")"
            mkdir -p "$dlog"
            echo "dataLogDir=$dlog"
        fi
        local wl="${KEYS[4lw.commands.whitelist]:-srvr,ruok,stat,mntr}"
        [[ ",${wl// /}," == *",srvr,"* || ",${wl// /}," == *",*,"* ]] || wl="$wl,srvr"
        echo "4lw.commands.whitelist=$wl"
        echo "admin.enableServer=${KEYS[admin.enableServer]:-false}"
        if [ "$n" != 0 ]; then
            if ensemble; then
                for key in "${SERVER_IDS[@]}"; do echo "server.$key=${SERVER_LINE[$key]}"; done
            elif [ -n "$SV_CLIENT" ]; then
                # One server line: ZooKeeper runs it standalone; say so without the line (it
                # would log "only one server specified" as an error).
                echo "clientPort=${CLIENT_PORT[$n]}"
                [[ "$SV_CLIENT" == *:* ]] && echo "clientPortAddress=${SV_CLIENT%:*}"
            fi
        fi
    } >"$cfg.tmp"
    mv "$cfg.tmp" "$cfg"
    if [ "$n" != 0 ] && ensemble; then
        echo "$n" >"$data/myid"
    fi
}

# ---- processes

pid_file() { echo "$LOG_DIR/zookeeper-$1.pid"; }

# True when server N's pid file names a live ZooKeeper process (not a reused pid).
server_alive() {
    local f; f="$(pid_file "$1")"
    [ -f "$f" ] || return 1
    local pid; pid="$(cat "$f")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN_CLASS"
}

# Prints the answer to a four-letter word at server N's client address ("" when none).
four_letter() {
    local n="$1" word="$2"
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf %s "$3" >&3 && cat <&3' \
        _ "${CLIENT_HOST[$n]}" "${CLIENT_PORT[$n]}" "$word" 2>/dev/null || true
}

# Prints server N's mode (standalone, leader, follower, observer) or nothing when it does not serve.
server_mode() {
    four_letter "$1" srvr | sed -n 's/^Mode: *//p' | tr -d '\r'
}

# True when server N serves as it should: standalone alone, leader/follower/observer in an ensemble.
serving() {
    local mode; mode="$(server_mode "$1")"
    if ensemble; then
        case "$mode" in leader|follower|observer) return 0 ;; esac
    else
        [ "$mode" = standalone ] && return 0
    fi
    return 1
}

java_command() {
    local n="$1"
    # shellcheck disable=SC2206
    local opts=(${RIVULET_ZK_JVM_OPTS:--Xmx256m -XX:+UseSerialGC})
    JAVA_CMD=(java "${opts[@]}"
        -Dorg.slf4j.simpleLogger.showDateTime=true
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS"
        -cp "${RIVULET_ZK_CLASSPATH:-$CLASSPATH_DEFAULT}"
        "$MAIN_CLASS" "$LOG_DIR/zookeeper-$n.cfg")
}

# Selects the servers an action applies to: all local ones, or the one named.
select_servers() {
    local which="${1:-}"
    if [ -z "$which" ]; then
        SELECTED=("${LOCAL_IDS[@]}")
        return
    fi
    [[ "$which" =~ ^[0-9]+$ ]] || usage
    which=$((10#$which))
    local n
    for n in "${LOCAL_IDS[@]}"; do
        if [ "$n" = "$which" ]; then SELECTED=("$n"); return; fi
    done
    if [ -n "${SERVER_LINE[$which]:-}" ]; then
        die "server $which of $ZOO_CFG is not on this machine"
    fi
    die "$ZOO_CFG has no server $which (servers here: ${LOCAL_IDS[*]})"
}

do_start() {
    check_runtime
    mkdir -p "$LOG_DIR"
    local n started=() to_start=()
    for n in "${SELECTED[@]}"; do
        if server_alive "$n"; then
            echo "zookeeper $n is already running (pid $(cat "$(pid_file "$n")")), client port ${CLIENT_PORT[$n]}"
            continue
        fi
        if [ -n "$(four_letter "$n" ruok)" ]; then
            die "client port ${CLIENT_PORT[$n]} of zookeeper $n already answers: another ZooKeeper (not started by this script, or with another log dir) runs there"
        fi
        to_start+=("$n")
    done
    for n in "${to_start[@]+"${to_start[@]}"}"; do
        write_server_cfg "$n"
        java_command "$n"
        local log="$LOG_DIR/zookeeper-$n.log"
        (cd "$LOG_DIR" && exec nohup "${JAVA_CMD[@]}" >"$log" 2>&1 </dev/null) &
        echo $! >"$(pid_file "$n")"
        started+=("$n")
    done
    [ ${#started[@]} -gt 0 ] || return 0
    [ "$START_TIMEOUT" -gt 0 ] 2>/dev/null || {
        for n in "${started[@]}"; do
            echo "Started zookeeper $n (pid $(cat "$(pid_file "$n")")), client port ${CLIENT_PORT[$n]}"
        done
        return 0
    }
    local deadline=$((SECONDS + START_TIMEOUT)) waiting=("${started[@]}") failed=0
    while [ ${#waiting[@]} -gt 0 ]; do
        local still=()
        for n in "${waiting[@]}"; do
            local pid; pid="$(cat "$(pid_file "$n")")"
            if ! kill -0 "$pid" 2>/dev/null; then
                rm -f "$(pid_file "$n")"
                echo "error: zookeeper $n (pid $pid) exited; last lines of $LOG_DIR/zookeeper-$n.log:" >&2
                tail -n 15 "$LOG_DIR/zookeeper-$n.log" | sed 's/^/  /' >&2
                failed=1
            elif serving "$n"; then
                echo "Started zookeeper $n (pid $pid), client port ${CLIENT_PORT[$n]}"
            else
                still+=("$n")
            fi
        done
        waiting=("${still[@]+"${still[@]}"}")
        [ ${#waiting[@]} -gt 0 ] || break
        if [ "$SECONDS" -ge "$deadline" ]; then
            for n in "${waiting[@]}"; do
                echo "error: zookeeper $n (pid $(cat "$(pid_file "$n")")) does not serve on port ${CLIENT_PORT[$n]} after ${START_TIMEOUT} s; it keeps running (an ensemble member serves once a majority of the servers runs); see $LOG_DIR/zookeeper-$n.log" >&2
            done
            return 1
        fi
        sleep 0.1
    done
    return $failed
}

do_stop() {
    local files=() n f
    if [ -n "${1:-}" ]; then
        files=("$(pid_file "$1")")
        [ -f "${files[0]}" ] || { echo "zookeeper $1 is not running."; return 0; }
    else
        for f in "$LOG_DIR"/zookeeper-*.pid; do [ -f "$f" ] && files+=("$f"); done
        [ ${#files[@]} -gt 0 ] || { echo "No zookeeper to stop."; return 0; }
    fi
    # SIGTERM to all first, so that an ensemble stops in parallel.
    local pids=() names=()
    for f in "${files[@]}"; do
        n="${f##*/zookeeper-}"; n="${n%.pid}"
        if server_alive "$n"; then
            local pid; pid="$(cat "$f")"
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid"); names+=("$n")
        else
            echo "zookeeper $n was not running (stale pid file removed)"
            rm -f "$f"
        fi
    done
    local i
    for i in "${!pids[@]}"; do
        local pid="${pids[$i]}" deadline=$((SECONDS + STOP_TIMEOUT))
        while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "zookeeper ${names[$i]} (pid $pid) did not stop within $STOP_TIMEOUT s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
        fi
        rm -f "$(pid_file "${names[$i]}")"
        echo "Stopped zookeeper ${names[$i]} (pid $pid)"
    done
}

do_status() {
    local n bad=0
    for n in "${SELECTED[@]}"; do
        local mode; mode="$(server_mode "$n")"
        local what="zookeeper $n, client port ${CLIENT_PORT[$n]}"
        if server_alive "$n"; then
            what="zookeeper $n (pid $(cat "$(pid_file "$n")")), client port ${CLIENT_PORT[$n]}"
        elif [ -n "$mode" ]; then
            what="$what (no pid file: not started by this script)"
        fi
        if serving "$n"; then
            echo "$what: $mode"
        elif server_alive "$n"; then
            echo "$what: running, not serving${mode:+ (mode $mode)}"
            bad=1
        else
            echo "$what: not running"
            bad=1
        fi
    done
    return $bad
}

action="${1:-}"
[ $# -gt 0 ] && shift
[ $# -le 1 ] || usage
case "$action" in
    start|stop|status|start-foreground) ;;
    *) usage ;;
esac
if [ "$action" = stop ] && [ $# -eq 0 ]; then
    # Stops every server with a pid file in the log dir, whatever the cfg says now.
    do_stop
    exit 0
fi
load_config
select_servers "${1:-}"
case "$action" in
    start) do_start ;;
    stop) do_stop "${SELECTED[0]}" ;;
    status) do_status ;;
    start-foreground)
        [ ${#SELECTED[@]} -eq 1 ] || die "several servers run here (${SELECTED[*]}); name one: start-foreground N"
        check_runtime
        n="${SELECTED[0]}"
        server_alive "$n" && die "zookeeper $n is already running (pid $(cat "$(pid_file "$n")"))"
        mkdir -p "$LOG_DIR"
        write_server_cfg "$n"
        java_command "$n"
        cd "$LOG_DIR"
        exec "${JAVA_CMD[@]}" ;;
esac
