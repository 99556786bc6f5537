#!/usr/bin/env bash
# Stops every TaskManager, then every JobManager, started from this directory's log/.
source "$(dirname "$0")/rivulet-daemon.sh"
daemon_stop taskmanager all
daemon_stop jobmanager all
