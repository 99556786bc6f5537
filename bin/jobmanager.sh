#!/usr/bin/env bash
# Starts or stops a JobManager: bin/jobmanager.sh start|stop|stop-all|start-foreground [-D key=value ...]
# Pid files and logs go to log/ (RIVULET_LOG_DIR); configuration comes from conf/ (RIVULET_CONF_DIR).
source "$(dirname "$0")/rivulet-daemon.sh"
daemon_main jobmanager "$@"
