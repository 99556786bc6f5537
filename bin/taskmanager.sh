#!/usr/bin/env bash
# Starts or stops a TaskManager: bin/taskmanager.sh start|stop|stop-all|start-foreground [-D key=value ...]
# Each TaskManager on a host gets its own RPC and data ports (taskmanager.rpc.port and
# taskmanager.data.port default to 0: any free port), pid file and log under log/.
source "$(dirname "$0")/rivulet-daemon.sh"
daemon_main taskmanager "$@"
