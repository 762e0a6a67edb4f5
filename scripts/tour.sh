#!/usr/bin/env bash
# `make tour`: deploy the smoke lab, show that it works, destroy it — always destroy, even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
fl() { node bin/failover-lab.js "$@"; }
topo=topologies/smoke.clab.yml
trap 'echo; echo "== destroy"; fl destroy -t $topo' EXIT

echo "== deploy $topo"
fl deploy -t $topo
echo
echo "== graph (Mermaid)"
fl graph -t $topo
echo "== h1 → h3 across switch sw1 (VLAN 10)"
fl exec h1 -- ping -c 3 -i 0.2 198.18.1.3 | tail -2
echo "== h1 → h2 over the direct link (MTU 1400)"
fl exec h1 -- ping -c 3 -i 0.2 -M do -s 1372 198.18.2.2 | tail -2
echo "== move h3's switch port to VLAN 20: h1 can no longer reach it"
fl vlan -t $topo sw1 eth3 20
if fl exec h1 -- ping -c 2 -W 1 198.18.1.3 >/dev/null; then echo "unexpected: still reachable"; exit 1; else echo "h3 unreachable, as it should be"; fi
fl vlan -t $topo sw1 eth3 10
echo "== stop and start h2: its links survive"
fl stop -t $topo h2
fl start -t $topo h2
fl exec h1 -- ping -c 3 -i 0.2 198.18.2.2 | tail -2
