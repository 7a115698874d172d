#!/usr/bin/env bash
# CI checks of what ships, run by .ci/run before `npm test` (whose summary line stays the last line):
#   1. pnpm audit of the production dependencies, when the registry answers its audit endpoint;
#   2. the packed CLIs installed with plain npm and run from another directory (scripts/ci-packed.sh);
#   3. the GitHub Action's script with a toy miner (scripts/ci-action.sh);
#   4. the Node 24 pass: build, packed CLIs, end-to-end tests (scripts/ci-node24.sh).
# Prints one line per check and "ci-ship: N passed, N failed"; exits 1 when any failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
pnpm_spec="$(node -p "require('./package.json').packageManager")"
work="$(mktemp -d "${TMPDIR:-/tmp}/apex-ci-ship.XXXXXX")"
passed=0
failed=0
audit_note=""
check() {
  local name="$1"
  shift
  local started=$SECONDS
  echo "ci-ship: --- $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "ci-ship: ok   $name ($((SECONDS - started)) s)"
  else
    failed=$((failed + 1))
    echo "ci-ship: FAIL $name ($((SECONDS - started)) s)"
  fi
}

audit() {
  local out status
  out="$(npx -y "$pnpm_spec" audit --prod --audit-level high 2>&1)"
  status=$?
  echo "$out" | tail -n 20
  if [ $status -eq 0 ]; then return 0; fi
  # An audit endpoint that does not answer is reported, not failed: it says nothing about the dependencies.
  if echo "$out" | grep -Eq "ERR_PNPM_AUDIT_BAD_RESPONSE|ENOTFOUND|ETIMEDOUT|ECONNREFUSED|EAI_AGAIN"; then
    audit_note="pnpm audit NOT RUN: the registry's audit endpoint did not answer (see above)"
    echo "ci-ship: $audit_note"
    return 0
  fi
  return 1
}

check "build (Node $(node -p 'process.versions.node'))" npm run -s build
check "pnpm audit --prod (fails on high and critical; reported when the registry does not answer)" audit
check "packed CLIs on Node $(node -p 'process.versions.node')" scripts/ci-packed.sh "$work/packed"
check "action script with a toy miner" scripts/ci-action.sh "$work/packed/pack" "$work/action"
check "Node 24 pass" scripts/ci-node24.sh 24
rm -rf "$work"
if [ -n "$audit_note" ]; then echo "ci-ship: $audit_note"; fi
echo "ci-ship: $passed passed, $failed failed"
[ $failed -eq 0 ]
