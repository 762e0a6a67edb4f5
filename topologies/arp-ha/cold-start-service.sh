#!/bin/sh
# keepalived notify_master of the cold-standby baseline (the Pacemaker/IPaddr2 model): the
# service starts only once this node holds the VIP, and it takes 5 s to start (a JVM, a
# database). Detached, so keepalived does not wait for it.
setsid node /opt/failover-lab/dist/src/probe/main.js server --listen 198.18.7.100:7000 --node "$(hostname)" --start-delay-ms 5000 </dev/null >/dev/null 2>&1 &
