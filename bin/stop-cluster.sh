#!/usr/bin/env bash
# Stops every TaskManager, then every JobManager, then the ZooKeeper servers start-cluster.sh
# started, all from this directory's log/.
source "$(dirname "$0")/rivulet-daemon.sh"
daemon_stop taskmanager all
daemon_stop jobmanager all
if compgen -G "$LOG_DIR/zookeeper-*.pid" >/dev/null; then
    "$(dirname "$0")/zookeeper.sh" stop
fi
