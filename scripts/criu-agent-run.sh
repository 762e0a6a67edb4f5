#!/usr/bin/env bash
# The CRIU path through the daemons: the coordinator, both agents (method: criu) and the user
# gateway move an unmodified socat server (in a pid namespace of its own) and its established
# connection from srvA to srvB on an operator's POST /migrate. Prints the coordinator's answer,
# the client's verdict and the daemons' events. Under the lock:
#   flock /tmp/failover-lab-docker.lock scripts/criu-agent-run.sh
set -u
cd "$(dirname "$0")/.."
topo=topologies/migration.clab.yml
on() { local n=$1; shift; docker exec "clab-migration-$n" "$@"; }
bg() { local n=$1; shift; docker exec -d "clab-migration-$n" sh -c "$* >/tmp/daemon.log 2>&1"; }
trap 'node bin/failover-lab.js destroy -t "$topo" >/dev/null 2>&1 || true' EXIT
node bin/failover-lab.js deploy -t $topo --reconfigure >/dev/null 2>&1 || { echo deploy failed; exit 1; }
D=/opt/failover-lab/dist/src/daemons/migration
bg srvA node $D/agent/main.js --config /opt/failover-lab/topologies/migration/agent-a-criu.yml
bg srvB node $D/agent/main.js --config /opt/failover-lab/topologies/migration/agent-b-criu.yml
bg sw node $D/user-gateway/main.js --config /opt/failover-lab/topologies/migration/ugw.yml
bg coord node $D/coordinator/main.js --config /opt/failover-lab/topologies/migration/coord-criu.yml
on srvA sh -c "unshare -p -f setsid socat TCP-LISTEN:7000,bind=198.18.55.100,reuseaddr SYSTEM:'seq 1 200000000' </dev/null >/dev/null 2>&1 &"
sleep 1.5
VIP=198.18.55.100
docker exec -i clab-migration-cl1 sh -c 'cat >/tmp/seq-client.mjs' <scripts/lib/seq-client.mjs
on cl1 sh -c "nohup node /tmp/seq-client.mjs $VIP >/tmp/seq-client.out 2>&1 &"
sleep 2
on coord curl -s -m 20 -X POST -H 'authorization: Bearer coord-token-1' -H 'content-type: application/json' -d '{"by":"operator"}' http://198.18.53.10:7300/migrate; echo
sleep 1
echo "srvB: $(on srvB sh -c 'pgrep -a socat | head -2')"
echo "srvA: $(on srvA sh -c 'pgrep -a socat || echo none')"
sleep 10
on cl1 cat /tmp/seq-client.out
for n in coord srvA srvB sw; do echo "== $n"; on $n grep -v '"message"\|"ack"' /tmp/daemon.log | cut -c1-400 | tail -8; done
