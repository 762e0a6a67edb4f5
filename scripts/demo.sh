#!/usr/bin/env bash
# `make demo`: the point of the project in one run. The same crash of the active server under
# four silent server→client TCP streams, once with arp-ha's transparent takeover and once with
# keepalived (VRRP), side by side with `failover-lab compare`; prints each mechanism's verdict
# and the path of the comparison page. Both labs are destroyed at the end either way.
# DEMO_SCENARIOS="a.yml b.yml" compares other scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a scenarios <<< "${DEMO_SCENARIOS:-scenarios/arp-ha/transparent-takeover.yml scenarios/keepalived/crash-s2c.yml}"
echo "== failover-lab compare ${scenarios[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
node bin/failover-lab.js compare "${scenarios[@]}" --out runs | tee "$log" || status=$?
page=$(sed -n 's/^comparison: //p' "$log" | tail -1)
[ -n "$page" ] || { echo "demo: compare wrote no comparison page (exit $status)" >&2; exit "${status/#0/1}"; }
echo
echo "== verdicts"
node -e '
  const { runs } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const r of runs) console.log(`${r.passed === r.repeats ? "PASS" : "FAIL"}  ${r.verdict}`);
' "$(dirname "$page")/comparison.json"
echo "comparison page: $page"
exit "$status"
