#!/usr/bin/env node
// Re-records what a real subtensor runtime does in every chain scenario, into the expectation files CI holds
// SimChain to (packages/chain/test/fixtures/real-runtime/*.json). You supply the runtime: a chain spec run through
// chopsticks (which needs node >= 22), or a node whose //Alice is sudo. The spec itself is never written anywhere.
//
//   npm run -s build
//   npx -y node@22 scripts/record-real-scenarios.mjs --spec /path/outside/repo/aura-dev.json \
//     --spec-source "aura-dev.json of opentensor/subtensor at f59e608b"
//   node scripts/record-real-scenarios.mjs --url ws://127.0.0.1:9944
//
// Each scenario is also run on SimChain and the differences printed; the recording is written either way (it is
// what the runtime did), and the exit code is 1 when they disagree so the drift is seen before committing.
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const chain = await import(join(root, "packages/chain/dist/index.js"));
const {
  compareScenarioReports,
  expectedReport,
  runScenario,
  runSubtensorLocal,
  SCENARIOS,
  SimChain,
  SubtensorClient,
  simOptionsMatching,
  toExpectation,
  vacuityProblems,
} = chain;

const { values } = parseArgs({
  options: {
    spec: { type: "string" },
    url: { type: "string" },
    out: { type: "string", default: join(root, "packages/chain/test/fixtures/real-runtime") },
    only: { type: "string" },
    "spec-source": { type: "string" },
    help: { type: "boolean" },
  },
});
if (values.help || (!values.spec && !values.url)) {
  process.stdout.write(
    "usage: record-real-scenarios.mjs --spec CHAIN_SPEC.json | --url ws://HOST:PORT [--out DIR] [--only a,b]\n",
  );
  process.exit(values.help ? 0 : 2);
}

let local;
let specFile = null;
let specSha256 = null;
let via;
let url = values.url;
if (values.spec) {
  const bytes = await readFile(values.spec);
  specFile = basename(values.spec);
  specSha256 = createHash("sha256").update(bytes).digest("hex");
  local = await runSubtensorLocal({ specPath: values.spec, port: 21944 + Math.floor(Math.random() * 1000) });
  url = local.url;
  const csPkg = await readFile(
    join(root, "packages/chain/node_modules/@acala-network/chopsticks/package.json"),
    "utf8",
  )
    .then(JSON.parse)
    .catch(() => ({}));
  via = `chopsticks ${csPkg.version ?? "?"} (Instant mode, blocks by dev_newBlock)`;
} else {
  via = `node ${url}`;
}

const client = new SubtensorClient({ endpoints: url, rpcTimeoutMs: 60_000 });
let disagreements = 0;
try {
  await client.connect();
  const runTag = `rec${Date.now().toString(36)}`;
  await mkdir(values.out, { recursive: true });
  const names = values.only ? values.only.split(",") : SCENARIOS;
  for (const name of names) {
    const started = Date.now();
    const real = await runScenario(name, client, {
      advanceBlocks: local?.advanceBlocks,
      runTag,
      runtime: client.runtime,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const expectation = toExpectation(real, {
      runtime: client.runtime,
      specFile,
      specSha256,
      specSource: values["spec-source"] ?? null,
      via,
      node: process.version,
      recordedAt: new Date().toISOString(),
      command: `node scripts/record-real-scenarios.mjs ${values.spec ? "--spec <chain spec> --spec-source <where it came from>" : `--url ${url}`}`,
    });
    const file = join(values.out, `${name}.json`);
    await writeFile(file, `${JSON.stringify(expectation, null, 2)}\n`);

    const sim = new SimChain();
    const simReport = await runScenario(name, sim, {
      advanceBlocks: (n) => void sim.produceBlocks(n),
      runTag,
      runtime: "SimChain",
      ...simOptionsMatching(real),
    });
    await sim.close();
    const diffs = [
      ...compareScenarioReports(expectedReport(expectation), simReport),
      ...vacuityProblems(real),
      ...(real.passed ? [] : ["the runtime did not end every step as the scenario expects"]),
    ];
    disagreements += diffs.length;
    process.stdout.write(
      `${name}: recorded ${file} (${client.runtime}, ${seconds} s); SimChain ${diffs.length ? "DISAGREES" : "agrees"}\n`,
    );
    for (const s of real.steps)
      process.stdout.write(`  ${s.ok ? "ok  " : "fail"} ${s.name}${s.error ? `: ${s.error}` : ""}\n`);
    for (const d of diffs) process.stdout.write(`  ! ${d}\n`);
  }
} finally {
  await client.close();
  await local?.close();
}
process.exit(disagreements ? 1 : 0);
