#!/usr/bin/env bash
# Packed-CLI smoke test with the `node` on PATH: packs apex-miner, apex-validator and apex-localnet
# (scripts/pack-clis.mjs), installs them with plain `npm install -g` into a temporary prefix, and from another
# directory runs each one's --version and --help and a 2-hour virtual localnet that must write its report.
# Needs the workspace built (npm run build). better-sqlite3 comes from npm's prebuild cache, seeded from this
# checkout's own source build (scripts/sqlite-prebuild.mjs); nothing is fetched from outside the npm registry.
#   scripts/ci-packed.sh [WORK_DIR]     (default: a fresh temp dir; the tarballs stay in WORK_DIR/pack)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${1:-}" ]; then work="$1"; else
  work="$(mktemp -d "${TMPDIR:-/tmp}/apex-packed.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
prefix="$work/prefix"
elsewhere="$work/elsewhere"
rm -rf "$prefix" "$elsewhere" && mkdir -p "$work/pack" "$elsewhere"
fail() { echo "ci-packed: FAIL: $*" >&2; exit 1; }

echo "ci-packed: node $(node --version), npm $(npm --version), work dir $work"
node "$root/scripts/pack-clis.mjs" --out "$work/pack"
node "$root/scripts/sqlite-prebuild.mjs"
started=$SECONDS
npm install -g --prefix "$prefix" --prefer-offline --no-audit --no-fund --loglevel=error "$work/pack"/apex-*.tgz
echo "ci-packed: npm install -g of the three tarballs took $((SECONDS - started)) s"

cd "$elsewhere"
for cli in apex-miner apex-validator apex-localnet; do
  bin="$prefix/bin/$cli"
  [ -x "$bin" ] || fail "$bin was not installed"
  want="$(node -p "require('$prefix/lib/node_modules/$cli/package.json').version")"
  got="$("$bin" --version)" || fail "$cli --version exited $?"
  case "$got" in "$cli $want "*) ;; *) fail "$cli --version printed '$got', expected '$cli $want …'" ;; esac
  "$bin" --help | grep -q "Usage" || fail "$cli --help printed no usage"
  echo "ci-packed: $got; --help ok"
  # No dev tooling in an install, and chopsticks only when apex-localnet subtensor asks for it.
  for dev in typescript vitest esbuild turbo @biomejs/biome drizzle-kit @acala-network/chopsticks; do
    [ ! -e "$prefix/lib/node_modules/$cli/node_modules/$dev" ] || fail "$cli installed $dev"
  done
done
[ ! -e "$prefix/lib/node_modules/apex-miner/node_modules/better-sqlite3" ] || fail "apex-miner installed better-sqlite3"
# apex-localnet subtensor asks for chopsticks (a spec with a placeholder runtime gets as far as loading it).
echo '{"genesis":{"raw":{"top":{"0x3a636f6465":"0x0061736d"}}}}' > spec.json
asked="$("$prefix/bin/apex-localnet" subtensor --spec spec.json 2>&1 || true)"
case "$asked" in *ChopsticksMissing*"npm install -g @acala-network/chopsticks@"*) ;; *) fail "subtensor without chopsticks said: $asked" ;; esac
echo "ci-packed: apex-localnet subtensor asks for chopsticks"

started=$SECONDS
"$prefix/bin/apex-localnet" run --virtual --hours 2 --report r.json --quiet --no-dashboard --chain-port 0 --strict
node -e '
  const r = require("./r.json");
  const miners = r.neurons.filter((n) => n.role === "miner");
  if (!(r.simulatedHours >= 2) || miners.length === 0 || r.rounds <= 0) throw new Error("report: " + JSON.stringify(r).slice(0, 300));
  if (!miners.some((n) => n.incentive > 0)) throw new Error("no miner earned incentive");
  console.log(`ci-packed: report ok: ${r.simulatedHours} h, ${r.rounds} rounds, ${miners.length} miners, ${r.epochs.length} epochs`);
' || fail "the report is not what a 2-hour run writes"
[ -s r.md ] || fail "no Markdown summary next to the report"
echo "ci-packed: 2-hour virtual run from $elsewhere took $((SECONDS - started)) s"
echo "ci-packed: ok"
