// `node bench/dist/flood.js [seconds]` (after `npm run -s build`): a junk-signature flood from one address against
// a miner with the flood guard off, then on, in one run, while an honest validator on another address sends
// signed requests at 20/s. Prints, per case: junk requests/s and how they were answered, the honest requests'
// p50/p99 and failures, and the miner's log lines per second. docs/benchmarks.md "Flood" records a run.
import http from "node:http";
import { encodeRequestBody, epistulaReady, signEpistula, systemClock } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { type Child, forkChild } from "./children.js";
import { renderTable } from "./stats.js";

const SECONDS = Number(process.argv[2] ?? 10);
const HONEST_RATE = 20;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function honestLoad(port: number, minerHotkey: string, seconds: number) {
  const validator = await devKeypair("//apex//bench//flood-validator");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const latencies: number[] = [];
  let failed = 0;
  const sends: Promise<void>[] = [];
  const total = seconds * HONEST_RATE;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / HONEST_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = encodeRequestBody({ step: "discriminator", query: `q${i}`, generation: "some text" });
    const headers = {
      ...signEpistula(validator, body, { signedFor: minerHotkey, nowMs: systemClock.now() }),
      "content-type": "application/json",
    };
    const started = performance.now();
    sends.push(
      new Promise<void>((resolve) => {
        const req = http.request(
          { host: "127.0.0.1", port, path: "/v1/chat/completions", method: "POST", agent, headers },
          (res) => {
            res.resume();
            res.on("end", () => {
              if (res.statusCode === 200) latencies.push(performance.now() - started);
              else failed++;
              resolve();
            });
          },
        );
        req.on("error", () => {
          failed++;
          resolve();
        });
        req.end(body);
      }),
    );
  }
  await Promise.all(sends);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), served: latencies.length, failed };
}

async function runCase(guard: "off" | "on") {
  const validator = await devKeypair("//apex//bench//flood-validator");
  const miner: Child = await forkChild("flood-child", ["miner", guard, validator.address]);
  const port = Number(miner.hello.port);
  const minerHotkey = String(miner.hello.hotkey);
  try {
    const alone = await honestLoad(port, minerHotkey, Math.min(5, SECONDS));
    const attacker = await forkChild("flood-child", [
      "attacker",
      String(port),
      minerHotkey,
      validator.address,
      String(SECONDS),
    ]);
    const linesAt = async () =>
      new Promise<number>((resolve) => {
        miner.proc.once("message", (m) => resolve((m as { lines: number }).lines));
        miner.proc.send("lines");
      });
    const lines0 = await linesAt();
    const done = new Promise<Record<string, number>>((resolve) =>
      attacker.proc.once("message", (m) => resolve((m as { counts: Record<string, number> }).counts)),
    );
    attacker.proc.send("go");
    const underFlood = await honestLoad(port, minerHotkey, SECONDS);
    const counts = await done;
    const lines1 = await linesAt();
    await attacker.stop();
    const junk = Object.values(counts).reduce((a, v) => a + v, 0);
    return {
      guard,
      alone,
      underFlood,
      counts,
      junkPerS: junk / SECONDS,
      logPerS: (lines1 - lines0) / SECONDS,
    };
  } finally {
    await miner.stop();
  }
}

await epistulaReady();
const rows: string[][] = [];
for (const guard of ["off", "on"] as const) {
  const r = await runCase(guard);
  const share = (code: string) =>
    `${(((r.counts[code] ?? 0) / Math.max(1, r.junkPerS * SECONDS)) * 100).toFixed(1)} %`;
  rows.push([
    `guard ${guard}`,
    r.junkPerS.toFixed(0),
    share("429"),
    share("401"),
    `${r.alone.p50.toFixed(1)} / ${r.alone.p99.toFixed(1)}`,
    `${r.underFlood.p50.toFixed(1)} / ${r.underFlood.p99.toFixed(1)}`,
    `${r.underFlood.served} / ${r.underFlood.served + r.underFlood.failed}`,
    r.logPerS.toFixed(2),
  ]);
}
console.log(
  `flood bench: ${SECONDS} s of junk from 127.0.0.9 (16 connections), honest validator at ${HONEST_RATE}/s from 127.0.0.1`,
);
console.log(
  renderTable(
    [
      "case",
      "junk req/s",
      "junk → 429",
      "junk → 401 (verified)",
      "honest alone p50/p99 ms",
      "honest under flood p50/p99 ms",
      "honest served",
      "log lines/s",
    ],
    rows,
  ),
);
