#!/bin/sh
# conntrackd's standard keepalived notify script (Debian: /usr/share/doc/conntrackd/examples/
# sync/primary-backup.sh), unchanged in what it does; here the config file is the second
# argument (one per balancer) and each step is logged with a millisecond time stamp to
# /tmp/primary-backup.log instead of syslog (the lab has none).
#   primary: commit the external cache into the kernel, flush it, resync the internal cache
#            from the kernel and send it all to the peer
#   backup:  make sure conntrackd runs, shorten the kernel's timeouts (PurgeTimeout), ask the
#            peer for a full resync
CONNTRACKD_BIN=/usr/sbin/conntrackd
CONNTRACKD_LOCK=/var/lock/conntrack.lock
CONNTRACKD_CONFIG=${2:-/etc/conntrackd/conntrackd.conf}
LOG=/tmp/primary-backup.log

logger() { echo "$(date +%s%3N) $*" >> "$LOG"; }
step() {
  $CONNTRACKD_BIN -C "$CONNTRACKD_CONFIG" "$@"
  rc=$?
  logger "conntrackd $* -> $rc"
  return $rc
}

case "$1" in
  primary)
    logger "primary: begin"
    step -c || logger "ERROR: failed to invoke conntrackd -c"
    step -f || logger "ERROR: failed to invoke conntrackd -f"
    step -R || logger "ERROR: failed to invoke conntrackd -R"
    step -B || logger "ERROR: failed to invoke conntrackd -B"
    ;;
  backup)
    logger "backup: begin"
    if ! $CONNTRACKD_BIN -C "$CONNTRACKD_CONFIG" -s >/dev/null 2>&1; then
      if [ -f $CONNTRACKD_LOCK ]; then
        logger "WARNING: conntrackd was not cleanly stopped."
        rm -f $CONNTRACKD_LOCK
      fi
      step -d || { logger "ERROR: cannot launch conntrackd"; exit 1; }
    fi
    step -t || logger "ERROR: failed to invoke conntrackd -t"
    step -n || logger "ERROR: failed to invoke conntrackd -n"
    ;;
  fault)
    step -t || logger "ERROR: failed to invoke conntrackd -t"
    ;;
  *)
    logger "ERROR: unknown state transition"
    echo "Usage: primary-backup.sh {primary|backup|fault} [conntrackd.conf]"
    exit 1
    ;;
esac
exit 0
