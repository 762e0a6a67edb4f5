#!/usr/bin/env bash
# The hard part of seed 003 on its own: CRIU moves an unmodified socat server with an
# established TCP connection from srvA's container to srvB's (another site), over the migration
# network, and the client's stream stays contiguous. Deploys topologies/migration.clab.yml,
# prints each step's time and the client's verdict, destroys the lab. Docker is shared: run it
# under the lock:  flock /tmp/failover-lab-docker.lock scripts/criu-cross-container.sh
set -euo pipefail
cd "$(dirname "$0")/.."
topo=topologies/migration.clab.yml
fl() { node bin/failover-lab.js "$@"; }
# docker exec, not `failover-lab exec`: the CLI's start-up would add a second to every step.
on() { local n=$1; shift; docker exec "clab-migration-$n" "$@"; }
ms() { date +%s%3N; }
VIP=198.18.55.100
IMG=/var/tmp/criu-proof
trap 'fl destroy -t "$topo" >/dev/null 2>&1 || true' EXIT

fl deploy -t "$topo" --reconfigure >/dev/null
# The server: unmodified socat, streaming increasing numbers (seq) to whoever connects.
# In a pid namespace of its own (socat is its init): CRIU restores the namespace too, so the
# tree's pids cannot collide with the target container's processes (they did without it:
# "Can't fork for 54: File exists").
on srvA sh -c "unshare -p -f setsid socat TCP-LISTEN:7000,bind=$VIP,reuseaddr SYSTEM:'seq 1 200000000' </dev/null >/dev/null 2>&1 &"
sleep 0.3
# The client: reads lines, checks each is the previous + 1, times the longest silence; 12 s.
docker exec -i clab-migration-cl1 sh -c 'cat >/tmp/seq-client.mjs' <scripts/lib/seq-client.mjs
on cl1 sh -c "nohup node /tmp/seq-client.mjs $VIP >/tmp/seq-client.out 2>&1 &"
sleep 1.5
pid=$(on srvA sh -c "pgrep -x socat | head -1")
echo "socat pid $pid at srvA"
t0=$(ms)
on srvA sh -c "rm -rf $IMG && mkdir -p $IMG && criu dump -t $pid -D $IMG --tcp-established -v4 -o dump.log" || { on srvA grep -E "Error|Warn" $IMG/dump.log | tail -20; exit 1; }
t1=$(ms)
on srvB sh -c "rm -rf $IMG && mkdir -p $IMG && (socat -u TCP-LISTEN:7600,bind=198.18.54.12,reuseaddr - | tar -C $IMG -x) >/dev/null 2>&1 &"
sleep 0.2
on srvA sh -c "tar -C $IMG -c . | socat -u - TCP:198.18.54.12:7600"
t2=$(ms)
on srvA ip addr del $VIP/32 dev lo
on srvB ip addr add $VIP/32 dev lo
t3=$(ms)
on srvB sh -c "cd $IMG && criu restore -D $IMG --tcp-established -d -v4 -o restore.log" || { on srvB grep -E "Error|Warn" $IMG/restore.log | tail -20; exit 1; }
t4=$(ms)
on sw /opt/failover-lab/bin/lab-switch port eth1 2
t5=$(ms)
echo "dump $((t1 - t0)) ms, copy $((t2 - t1)) ms ($(on srvA du -sh $IMG | cut -f1)), vip $((t3 - t2)) ms, restore $((t4 - t3)) ms, switch $((t5 - t4)) ms (each incl. ~100 ms of docker exec)"
sleep 1
echo "socat at srvB: $(on srvB sh -c 'pgrep -a socat || echo none')"
echo "socat at srvA: $(on srvA sh -c 'pgrep -a socat || echo none')"
echo "lock rules left at srvA: $(on srvA sh -c 'nft list ruleset | grep -c drop || true')"
sleep 8
on cl1 cat /tmp/seq-client.out
