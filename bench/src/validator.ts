// 2. Validator round overhead: everything but the miners' thinking, with 50, 256 and 1024 discriminators that
// answer instantly over real HTTP, against the bare HTTP fan-out of the same requests (unsigned, no scoring).
import { devKeypair } from "@apex/wallet";
import { ask, type Child, forkChild } from "./children.js";
import type { BenchConfig } from "./config.js";
import type { BenchReport, Figure } from "./report.js";
import { median, ratio } from "./stats.js";

const SIZES = [50, 256, 1024];
const TARGET_MS: Record<number, number> = { 50: 100, 1024: 1500 };
const ROUNDS_PER_SAMPLE = 5;

export async function benchValidator(cfg: BenchConfig, profileDir?: string): Promise<BenchReport> {
  const started = Date.now();
  const figures: Figure[] = [];
  const notes: string[] = [];
  const root = await devKeypair("//apex//bench//miners");
  let peakRss = 0;
  for (const n of SIZES) {
    const servers = await forkChild("answer-servers", [String(n)]);
    const ports = servers.hello.ports as number[];
    const miners = ports.map((port, i) => ({
      url: `http://127.0.0.1:${port}`,
      hotkey: root.derive(`//m${i}`).address,
    }));
    let v: Child | undefined;
    try {
      v = await forkChild("validator-child", [], {
        execArgv: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
      });
      await ask(v, { type: "setup", miners });
      // Warm-up: connections opened, JIT warm, SQLite pages cached.
      await ask(v, { type: "rounds", count: 2 });
      await ask(v, { type: "raw", count: 2 });
      const ours: number[] = [];
      const raw: number[] = [];
      let rss = 0;
      for (let r = 0; r < cfg.repeats; r++) {
        const a = await ask<{ ms: number[]; rssMb: number }>(v, { type: "rounds", count: ROUNDS_PER_SAMPLE });
        ours.push(median(a.ms));
        rss = Math.max(rss, a.rssMb);
        const b = await ask<{ ms: number[] }>(v, { type: "raw", count: ROUNDS_PER_SAMPLE });
        raw.push(median(b.ms));
      }
      peakRss = Math.max(peakRss, rss);
      const value = median(ours);
      const target = TARGET_MS[n];
      figures.push({
        case: `${n} discriminators`,
        metric: "round time",
        value,
        unit: "ms",
        samples: ours,
        baseline: { name: "bare HTTP fan-out", value: median(raw), samples: raw },
        ratio: ratio(value, median(raw)),
        ratioNote: "lower is better",
        ...(target ? { target: `< ${target} ms`, met: value < target } : {}),
      });
      figures.push({
        case: `${n} discriminators`,
        metric: "validator RSS after rounds",
        value: rss,
        unit: "MB",
        target: "< 250 MB",
        met: rss < 250,
      });
      console.log(
        `  validator ${n}: round ${value.toFixed(1)} ms, bare fan-out ${median(raw).toFixed(1)} ms, RSS ${rss.toFixed(0)} MB`,
      );
      await ask(v, { type: "stop" }).catch(() => undefined);
    } finally {
      await v?.stop();
      await servers.stop();
    }
  }
  notes.push(
    `each sample is the median of ${ROUNDS_PER_SAMPLE} rounds (generator request + N-wide discriminator fan-out, ` +
      "each request Epistula-signed with three secret signatures, scored, stored in SQLite), after 2 warm-up " +
      `rounds; validator and answer servers in separate processes; peak RSS ${peakRss.toFixed(0)} MB`,
  );
  return {
    name: "validator",
    command: "npm run bench -- validator",
    figures,
    notes,
    seconds: (Date.now() - started) / 1000,
  };
}
