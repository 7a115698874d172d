#!/usr/bin/env bash
# CI test of the GitHub Action's script (action/run.sh, what action.yml runs) with a toy miner
# (test/action/toy-miner.mjs), on this machine, with the packed apex-localnet from scripts/ci-packed.sh:
#   - miner-cmd: installs the tarball with npm install -g, runs, passes (the toy miner earns), writes the job
#     summary, the outputs and the artifacts (report.json, report.md, verdict.md, plots/*.svg);
#   - external-miner: a toy miner started beforehand, the CLI already on PATH: passes;
#   - strict: fails on a report that lists an anomaly (the same verdict step, on that run's report plus one);
#   - bad inputs (both miners, or none) exit 2.
#   scripts/ci-action.sh PACK_DIR WORK_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pack="$1"
work="$2"
rm -rf "$work" && mkdir -p "$work/elsewhere"
cd "$work/elsewhere"
fail() { echo "ci-action: FAIL: $*" >&2; exit 1; }
toy="$root/test/action/toy-miner.mjs"
tarball="$(ls "$pack"/apex-localnet-*.tgz)"

# 1. miner-cmd, installing the CLI the way the action does.
status=0
env npm_config_prefix="$work/prefix" APEX_CLI_PACKAGE="$tarball" APEX_MINER_CMD="node $toy earn" APEX_HOURS=2 \
  APEX_MINERS=4 APEX_SEED=1 APEX_OUT_DIR="$work/out1" GITHUB_STEP_SUMMARY="$work/summary.md" \
  GITHUB_OUTPUT="$work/output" "$root/action/run.sh" || status=$?
[ $status -eq 0 ] || fail "miner-cmd run exited $status, expected 0"
for f in report.json report.md verdict.md plots/incentive.svg plots/reward.svg; do
  [ -s "$work/out1/$f" ] || fail "artifact $f missing"
done
grep -q "the outside miner earned incentive" "$work/summary.md" || fail "job summary has no verdict"
grep -q "^# apex-localnet run" "$work/summary.md" || fail "job summary has no Markdown report"
grep -qx "passed=true" "$work/output" || fail "outputs: $(cat "$work/output")"
echo "ci-action: miner-cmd passes, summary, outputs and artifacts written"

# 2. external-miner, the CLI already installed (cli-package "").
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
APEX_MINER_PORT="$port" node "$toy" earn &
toy_pid=$!
trap 'kill $toy_pid 2>/dev/null || true' EXIT
status=0
env PATH="$work/prefix/bin:$PATH" APEX_CLI_PACKAGE="" APEX_EXTERNAL_MINER="http://127.0.0.1:$port" APEX_HOURS=2 \
  APEX_MINERS=4 APEX_OUT_DIR="$work/out2" "$root/action/run.sh" || status=$?
[ $status -eq 0 ] || fail "external-miner run exited $status, expected 0"
echo "ci-action: external-miner passes"

# 3. strict: the verdict step on the first run's report with one anomaly added fails; on the report as written it
#    passes when the report lists no anomalies (an apex-localnet without the field cannot pass strict).
node -e '
  const fs = require("fs"); const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const m = r.neurons.find((n) => n.role === "miner");
  r.anomalies = [...(r.anomalies ?? []), { uid: m.uid, hotkey: m.hotkey, strategy: m.strategy, reason: "timeout", count: 2 }];
  fs.writeFileSync(process.argv[2], JSON.stringify(r));
' "$work/out1/report.json" "$work/anomalous.json"
status=0
node "$root/action/verdict.mjs" "$work/anomalous.json" --strict > "$work/strict.txt" || status=$?
[ $status -eq 1 ] && grep -q "^- strict: " "$work/strict.txt" || fail "strict on an anomaly exited $status: $(cat "$work/strict.txt")"
status=0
node "$root/action/verdict.mjs" "$work/anomalous.json" > /dev/null || status=$?
[ $status -eq 0 ] || fail "without strict an anomaly must not fail the verdict"
status=0
node "$root/action/verdict.mjs" "$work/out1/report.json" --strict > "$work/strict-clean.txt" || status=$?
if node -e 'process.exit(Array.isArray(require(process.argv[1]).anomalies) ? 0 : 1)' "$work/out1/report.json"; then
  [ $status -eq 0 ] || fail "strict on a clean run failed: $(cat "$work/strict-clean.txt")"
  echo "ci-action: strict fails on an anomaly, passes on the clean run"
else
  [ $status -eq 1 ] || fail "strict on a report without anomalies must fail"
  echo "ci-action: strict fails on an anomaly and on a report without an anomalies list"
fi

# 4. Bad inputs.
status=0
env APEX_CLI_PACKAGE="" APEX_MINER_CMD="x" APEX_EXTERNAL_MINER="http://127.0.0.1:1" "$root/action/run.sh" 2>/dev/null || status=$?
[ $status -eq 2 ] || fail "both miners given: exit $status, expected 2"
status=0
env APEX_CLI_PACKAGE="" "$root/action/run.sh" 2>/dev/null || status=$?
[ $status -eq 2 ] || fail "no miner given: exit $status, expected 2"
echo "ci-action: ok"
