#!/bin/sh
# Starts one nat-lb baseline balancer the way its init system would: conntrack settings, the
# hand-written NAT ruleset, conntrackd (daemonised), then keepalived in the foreground through
# the vrrp-baseline adapter (its log as the lab's JSON events).   usage: start.sh lb1|lb2
set -eu
node=$1
dir=/opt/failover-lab/topologies/nat-lb/baseline
conf=$dir/conntrackd-$node.conf
# As for the nat-balancer: no mid-stream pickup (a segment without an entry is invalid), and
# liberal windows (committed entries carry no window history).
sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0 net.netfilter.nf_conntrack_tcp_be_liberal=1
nft -f "$dir/nat.nft"
mkdir -p /run/nat-lb-baseline /var/lock /var/run
# Idempotent, for a restarted node: a conntrackd that no longer answers leaves a stale lock.
if ! conntrackd -C "$conf" -s >/dev/null 2>&1; then
  rm -f /var/lock/conntrack.lock
  conntrackd -C "$conf" -d
fi
i=0
until conntrackd -C "$conf" -s >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -ge 50 ]; then echo "start.sh: conntrackd did not come up" >&2; cat /var/log/conntrackd.log >&2; exit 1; fi
  sleep 0.1
done
exec node /opt/failover-lab/dist/src/daemons/vrrp-baseline/main.js --config "$dir/keepalived-$node.conf" --iface eth1 --node "$node" \
  --vip V1=198.18.20.101 --vip V2=198.18.20.102 --vip V3=198.18.20.103
