#!/usr/bin/env bash
# `make demo-probe`: the probe on its own — four byte-checked TCP streams through a 2 s link
# flap, with live output, ending with the verdict and the path of its HTML report. The lab is
# destroyed at the end either way. DEMO_SCENARIO=... picks another scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${DEMO_SCENARIO:-scenarios/probe/link-flap.yml}
echo "== failover-lab run $scenario"
exec node bin/failover-lab.js run "$scenario" --out runs
