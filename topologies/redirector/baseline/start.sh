#!/bin/sh
# Starts the HAProxy baseline on fe1 the way its init system would: the addresses the redirector
# daemon would take (the VIP outside, 198.18.31.100 inside, which the back ends route the
# clients' net through), then HAProxy in the foreground through the haproxy-baseline adapter
# (its log as the lab's JSON events).   usage: start.sh [haproxy.cfg]
set -eu
dir=/opt/failover-lab/topologies/redirector/baseline
ip addr replace 198.18.30.100/24 dev eth1
ip addr replace 198.18.31.100/24 dev eth2
# The back ends' agents (HAProxy's checks) first, as an init system orders services: HAProxy
# checking agents still starting would mark their servers down and up again. At most 10 s.
for be in 11 12 13 14 15 16; do
  i=0
  until nc -z -w 1 198.18.31.$be 7320 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -ge 100 ]; then echo "start.sh: no agent answers on 198.18.31.$be:7320" >&2; break; fi
    sleep 0.1
  done
done
exec node /opt/failover-lab/dist/src/daemons/haproxy-baseline/main.js --config "${1:-$dir/haproxy.cfg}" --node fe1 \
  --stats-socket /run/haproxy-baseline.sock
