#!/usr/bin/env bash
# The steps of the apex-localnet GitHub Action (action.yml), as one script so that CI can run them locally
# (scripts/ci-packed.sh does, with a toy miner). Inputs come from the environment:
#   APEX_MINER_CMD | APEX_EXTERNAL_MINER   the outside miner: a command to start, or the URL of a running one
#   APEX_HOURS (6) APEX_MINERS (8) APEX_SEED (1) APEX_STRICT (false)
#   APEX_CLI_PACKAGE   what `npm install -g` installs (an npm spec, a tarball path or URL); empty: use the
#                      apex-localnet already on PATH
#   APEX_OUT_DIR (apex-localnet-report)   where report.json, report.md and plots/ go
# Writes the verdict and the Markdown report to $GITHUB_STEP_SUMMARY and report paths to $GITHUB_OUTPUT when
# those are set. Exit 0: pass; 1: the verdict failed (see action/verdict.mjs); 2: bad inputs or the run failed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
hours="${APEX_HOURS:-6}"
miners="${APEX_MINERS:-8}"
seed="${APEX_SEED:-1}"
strict="${APEX_STRICT:-false}"
out="${APEX_OUT_DIR:-apex-localnet-report}"

if [ -n "${APEX_MINER_CMD:-}" ] && [ -n "${APEX_EXTERNAL_MINER:-}" ]; then
  echo "apex-localnet action: give miner-cmd or external-miner, not both" >&2; exit 2
fi
if [ -z "${APEX_MINER_CMD:-}" ] && [ -z "${APEX_EXTERNAL_MINER:-}" ]; then
  echo "apex-localnet action: give miner-cmd (a command that starts your miner) or external-miner (its URL)" >&2; exit 2
fi
case "$strict" in true|false) ;; *) echo "apex-localnet action: strict must be true or false" >&2; exit 2 ;; esac

if [ -n "${APEX_CLI_PACKAGE:-}" ]; then
  echo "::group::npm install -g $APEX_CLI_PACKAGE"
  npm install -g --prefer-offline --no-audit --no-fund "$APEX_CLI_PACKAGE"
  echo "::endgroup::"
  cli="$(npm prefix -g)/bin/apex-localnet"
else
  cli="$(command -v apex-localnet || true)"
fi
if [ -z "$cli" ] || [ ! -x "$cli" ]; then echo "apex-localnet action: apex-localnet is not installed" >&2; exit 2; fi
"$cli" --version

mkdir -p "$out"
args=(run --virtual --hours "$hours" --miners "$miners" --seed "$seed" --quiet --no-dashboard --chain-port 0
  --report "$out/report.json" --plot "$out/plots")
if [ -n "${APEX_MINER_CMD:-}" ]; then args+=(--miner-cmd "$APEX_MINER_CMD"); else args+=(--external-miner "$APEX_EXTERNAL_MINER"); fi
echo "apex-localnet ${args[*]}"
if ! "$cli" "${args[@]}"; then echo "apex-localnet action: the localnet run failed" >&2; exit 2; fi

verdict_args=("$out/report.json")
if [ "$strict" = true ]; then verdict_args+=(--strict); fi
set +e
node "$here/verdict.mjs" "${verdict_args[@]}" > "$out/verdict.md"
status=$?
set -e
cat "$out/verdict.md"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  { cat "$out/verdict.md"; echo; cat "$out/report.md"; } >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "report=$out/report.json"; echo "summary=$out/report.md"; echo "passed=$([ $status -eq 0 ] && echo true || echo false)"; } >> "$GITHUB_OUTPUT"
fi
exit $status
