// 1. Miner serving: discriminator requests under autocannon against our miner (verification off and on) and the
// seed's dummy miner in Python aiohttp, each in its own process.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { encodeRequestBody, MINER_ROUTE } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import autocannon from "autocannon";
import { type Child, cpuSeconds, distEntry, forkChild, spawnServer } from "./children.js";
import type { BenchConfig } from "./config.js";
import type { BenchReport, Figure } from "./report.js";
import { rssMb } from "./report.js";
import { formatRatio, median, ratio } from "./stats.js";

const VALIDATOR_URI = "//apex//bench//validator";
const QUERY = "Why do rivers meander across flat plains? Explain the physical processes step by step.";
// A generator answer of typical length (what the validator forwards to every discriminator).
const GENERATION = Array.from(
  { length: 12 },
  (_, i) =>
    `Paragraph ${i + 1}: rivers meander because flow around a bend is faster on the outside, eroding the bank, ` +
    "while slower water on the inside deposits sediment, so small bends grow over time into loops.",
).join("\n");
const BODY = encodeRequestBody({ step: "discriminator", query: QUERY, generation: GENERATION });
const CONNECTIONS = 16;
const DURATION_S = 5;

/** Debian's python3 (where apt puts python3-aiohttp), else whatever python3 is on the PATH. */
function python(): string {
  return existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/** Installs python3-aiohttp with apt when the import fails; returns a note for the report. */
export function ensureAiohttp(): string | null {
  const py = python();
  if (spawnSync(py, ["-c", "import aiohttp"], { stdio: "ignore" }).status === 0) return null;
  console.log("bench: python3-aiohttp is missing; installing it with apt-get install -y python3-aiohttp");
  const r = spawnSync("apt-get", ["install", "-y", "python3-aiohttp"], { stdio: "inherit" });
  if (r.status !== 0 || spawnSync(py, ["-c", "import aiohttp"], { stdio: "ignore" }).status !== 0) {
    throw new Error(
      "python3-aiohttp is needed for the miner baseline and apt-get could not install it " +
        "(run `apt-get update && apt-get install -y python3-aiohttp` as root, then rerun)",
    );
  }
  return "python3-aiohttp was missing and was installed with `apt-get install -y python3-aiohttp`";
}

async function presign(
  signedFor: string,
  count: number,
  nowMs: number,
): Promise<Array<Record<string, string>>> {
  const workers = 2;
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const n = Math.floor(count / workers) + (w < count % workers ? 1 : 0);
      return new Promise<Array<Record<string, string>>>((resolve, reject) => {
        const worker = new Worker(distEntry("sign-worker"), {
          workerData: { uri: VALIDATOR_URI, signedFor, body: BODY, count: n, nowMs },
        });
        worker.once("message", resolve);
        worker.once("error", reject);
      });
    }),
  );
  return parts.flat();
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuPerReq: number;
}

async function load(
  child: Child,
  opts: { presigned?: Array<Record<string, string>>; rate?: number; durationS?: number },
): Promise<LoadResult> {
  const url = `http://127.0.0.1:${child.hello.port}${MINER_ROUTE}`;
  const base = { "content-type": "application/json" };
  const signed = opts.presigned;
  let next = 0;
  const cpu0 = await cpuSeconds(child.pid);
  const result = await autocannon({
    url,
    method: "POST",
    connections: opts.rate ? 4 : CONNECTIONS,
    ...(signed ? { amount: signed.length } : { duration: opts.durationS ?? DURATION_S }),
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [
      signed
        ? {
            method: "POST",
            body: BODY,
            setupRequest: (req) => ({ ...req, headers: { ...base, ...signed[next++ % signed.length] } }),
          }
        : { method: "POST", body: BODY, headers: base },
    ],
  });
  const cpu1 = await cpuSeconds(child.pid);
  const ok = result.requests.total - result.non2xx;
  return {
    // Wall time from autocannon's own start/finish stamps (its `duration` is rounded to whole seconds).
    rps: ok / Math.max((new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000, 0.001),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuPerReq: ok > 0 ? (cpu1 - cpu0) / ok : Number.NaN,
  };
}

/** Signs `count` requests whose timestamp sits in the middle of the run that follows, then runs them. */
async function signedLoad(
  child: Child,
  count: number,
  expectedRps: number,
  rate?: number,
): Promise<LoadResult> {
  const signRate = 1500; // requests/s with two signing workers (measured ~1.1 k signs/s per core, plus slack)
  const startAt = Date.now() + (count / signRate) * 1000;
  const runMs = (count / (rate ?? expectedRps)) * 1000;
  // ±8 s window: sign for the middle of the run so it holds from start to end.
  const presigned = await presign(String(child.hello.hotkey), count, startAt + Math.min(runMs / 2, 6_000));
  return load(child, { presigned, rate });
}

export async function benchMiner(cfg: BenchConfig): Promise<BenchReport> {
  const started = Date.now();
  const notes: string[] = [];
  const installed = ensureAiohttp();
  if (installed) notes.push(installed);
  const validator = await devKeypair(VALIDATOR_URI);
  const script = fileURLToPath(new URL("../baseline/dummy_miner.py", import.meta.url));
  // Like for like with the baseline (a fixed sentence and a coin flip): our miner with the same strategies.
  const off = await forkChild("miner-child", ["off", "", "dummy", "random"]);
  // Our defaults (offline generator, learned discriminator), verification off and on.
  const offLearned = await forkChild("miner-child", ["off", ""]);
  const on = await forkChild("miner-child", ["on", validator.address]);
  const py = await spawnServer(python(), [script, "--port", "0"]);
  const figures: Figure[] = [];
  try {
    // Idle memory: started, nothing served yet, given a moment to settle.
    await new Promise((r) => setTimeout(r, 2_000));
    const idle = {
      off: rssMb(off.pid),
      offLearned: rssMb(offLearned.pid),
      on: rssMb(on.pid),
      py: rssMb(py.pid),
    };
    const strategies = (c: Child) => `${String(c.hello.generator)}/${String(c.hello.discriminator)}`;
    notes.push(
      `strategies (generator/discriminator): "verify off" ${strategies(off)} (the baseline's own); ` +
        `"verify off, learned" ${strategies(offLearned)} and "verify on" ${strategies(on)} (the miner's defaults)`,
    );

    // Warm-up (JIT, connection pools), then interleave off / on / baseline.
    await load(off, { durationS: 1 });
    await load(offLearned, { durationS: 1 });
    await load(py, { durationS: 1 });
    await signedLoad(on, 300, 400);
    const s = {
      off: [] as LoadResult[],
      offLearned: [] as LoadResult[],
      on: [] as LoadResult[],
      py: [] as LoadResult[],
    };
    for (let r = 0; r < cfg.repeats; r++) {
      s.off.push(await load(off, {}));
      s.offLearned.push(await load(offLearned, {}));
      const onRps = s.on.length > 0 ? median(s.on.map((x) => x.rps)) : 400;
      s.on.push(await signedLoad(on, Math.round(Math.max(onRps, 100) * DURATION_S), onRps));
      s.py.push(await load(py, {}));
      console.log(
        `  miner round ${r + 1}: off ${s.off.at(-1)!.rps.toFixed(0)} req/s, off learned ` +
          `${s.offLearned.at(-1)!.rps.toFixed(0)} req/s, on ${s.on.at(-1)!.rps.toFixed(0)} req/s, ` +
          `baseline ${s.py.at(-1)!.rps.toFixed(0)} req/s`,
      );
    }
    for (const [k, list] of Object.entries(s)) {
      const bad = list.reduce((a, x) => a + x.non2xx + x.errors, 0);
      if (bad > 0) notes.push(`${k}: ${bad} non-2xx or failed requests during the throughput runs`);
    }
    const rps = (l: LoadResult[]) => median(l.map((x) => x.rps));
    const baseRps = rps(s.py);
    const offRps = rps(s.off);
    const offLearnedRps = rps(s.offLearned);
    const onRps = rps(s.on);
    const onPerCore = 1 / median(s.on.map((x) => x.cpuPerReq));
    figures.push({
      case: "verify off",
      metric: "throughput",
      value: offRps,
      unit: "req/s",
      samples: s.off.map((x) => x.rps),
      baseline: { name: "dummy aiohttp", value: baseRps, samples: s.py.map((x) => x.rps) },
      ratio: ratio(offRps, baseRps),
      target: "≥ 1.5× baseline",
      met: ratio(offRps, baseRps) >= 1.5,
    });
    figures.push({
      case: "verify off, learned",
      metric: "throughput",
      value: offLearnedRps,
      unit: "req/s",
      samples: s.offLearned.map((x) => x.rps),
      baseline: { name: "dummy aiohttp", value: baseRps, samples: s.py.map((x) => x.rps) },
      ratio: ratio(offLearnedRps, baseRps),
    });
    figures.push({
      case: "verify on",
      metric: "throughput",
      value: onRps,
      unit: "req/s",
      samples: s.on.map((x) => x.rps),
      baseline: { name: "dummy aiohttp", value: baseRps },
      ratio: ratio(onRps, baseRps),
    });
    figures.push({
      case: "verify on",
      metric: "per core (req / miner CPU-s)",
      value: onPerCore,
      unit: "req/s/core",
      baseline: {
        name: "verify off, learned, per core",
        value: 1 / median(s.offLearned.map((x) => x.cpuPerReq)),
      },
      ratio: ratio(onPerCore, 1 / median(s.offLearned.map((x) => x.cpuPerReq))),
      target: "≥ 400 req/s per core",
      met: onPerCore >= 400,
    });

    // Latency at a fixed, modest rate: 100 req/s for 10 s, each server in turn, repeated.
    const lat = { on: [] as number[], off: [] as number[], py: [] as number[] };
    for (let r = 0; r < cfg.repeats; r++) {
      lat.on.push((await signedLoad(on, 1000, 100, 100)).p99);
      lat.off.push((await load(offLearned, { rate: 100, durationS: 10 })).p99);
      lat.py.push((await load(py, { rate: 100, durationS: 10 })).p99);
    }
    for (const k of ["on", "off"] as const) {
      const v = median(lat[k]);
      figures.push({
        case: `verify ${k}${k === "off" ? ", learned" : ""}, 100 req/s`,
        metric: "p99 latency",
        value: v,
        unit: "ms",
        samples: lat[k],
        baseline: { name: "dummy aiohttp", value: median(lat.py), samples: lat.py },
        ratio: ratio(v, median(lat.py)),
        ratioNote: "lower is better",
        target: "< 10 ms",
        met: v < 10,
      });
    }
    const idleCase = {
      off: "verify off, idle",
      offLearned: "verify off, learned, idle",
      on: "verify on, idle",
    };
    for (const k of ["off", "offLearned", "on"] as const) {
      figures.push({
        case: idleCase[k],
        metric: "RSS",
        value: idle[k],
        unit: "MB",
        baseline: { name: "dummy aiohttp", value: idle.py },
        ratio: ratio(idle[k], idle.py),
        ratioNote: "lower is better",
        target: "< 120 MB",
        met: idle[k] < 120,
      });
    }
    notes.push(
      `load: autocannon ${CONNECTIONS} connections × ${DURATION_S} s per sample in this process; servers in child ` +
        `processes; ${cfg.repeats} interleaved samples each; verify-on requests pre-signed in 2 worker threads ` +
        `before each sample (unique uuid, timestamp mid-run); ratio ${formatRatio(ratio(offRps, baseRps))} off vs baseline`,
    );
  } finally {
    await Promise.all([off.stop(), offLearned.stop(), on.stop(), py.stop()]);
  }
  return {
    name: "miner",
    command: "npm run bench -- miner",
    figures,
    notes,
    seconds: (Date.now() - started) / 1000,
  };
}
