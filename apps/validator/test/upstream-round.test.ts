// Rounds under both profiles: a miner's `{"choices": null}` reply (upstream loses the round to it), the
// debug files upstream writes, and research_model taking effect.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openResultsStore } from "@apex/db";
import { type ChatMessage, OfflineBackend, OfflineWebSearch, type TextBackend } from "@apex/llm";
import { DropRoundError, VirtualClock } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { describe, expect } from "vitest";
import { createValidator, loadValidatorConfig, type ValidatorConfig } from "../src/index.js";
import { type Fleet, fleetTest } from "./fleet.js";

const it = fleetTest.override({ fleetSpec: { behaviours: ["perfect", "veto"] } });

class CountingBackend implements TextBackend {
  calls = 0;
  constructor(
    readonly name: string,
    private readonly inner: TextBackend,
  ) {}
  complete(messages: ChatMessage[]): Promise<string> {
    this.calls++;
    return this.inner.complete(messages);
  }
}

describe("rounds: drop-round replies, debug files, research_model", () => {
  async function validator(
    { fleet, dir }: { fleet: Fleet; dir: string },
    name: string,
    extra: string[],
    edit: (c: ValidatorConfig) => void = () => {},
  ) {
    const miners = fleet.miners.map((m) => `http://${m.host}:${m.port}=${m.hotkey.address}`).join(",");
    const config = loadValidatorConfig(
      ["--no-chain", "--miners", miners, "--db", join(dir, `${name}.db`), "--seed", "3", ...extra],
      {},
      () => "",
    );
    edit(config);
    const store = openResultsStore(config.logger_db.db_path);
    const base = new OfflineBackend({ seed: 1 });
    const research = new CountingBackend("research", base);
    const backend = new CountingBackend("llm", base);
    const v = createValidator(config, {
      hotkey: await devKeypair("//RoundValidator"),
      store,
      backend,
      researchBackend: research,
      search: new OfflineWebSearch({ seed: 1 }),
      clock: new VirtualClock(Date.UTC(2026, 0, 2, 12)),
      debugDir: join(dir, name),
    });
    return { v, store, research, backend, config };
  }

  it("default profile: the veto reply is just wrong, the round stands", async ({ fleet, tmpDir: dir }) => {
    const { v, store } = await validator({ fleet, dir }, "safe", []);
    const round = await v.runRound({ query: "q" });
    const veto = round.discriminators.find((d) => d.hotkey === fleet.miners[1]!.hotkey.address)!;
    expect(veto.correct).toBe(false);
    expect(veto.score).toBe(0);
    expect(store.roundCount()).toBe(1);
    store.close();
  });

  it("profile upstream: the round is dropped, as upstream loses it", async ({ fleet, tmpDir: dir }) => {
    const { v, store } = await validator({ fleet, dir }, "upstream", ["--profile", "upstream"]);
    await expect(v.runRound({ query: "q" })).rejects.toBeInstanceOf(DropRoundError);
    expect(store.roundCount()).toBe(0);
    store.close();
  });

  it("pipeline.debug and miner_scorer.debug write upstream's files; research_model runs the research steps", async ({
    fleet,
    tmpDir: dir,
  }) => {
    const { v, store, research } = await validator({ fleet, dir }, "debug", [], (c) => {
      c.pipeline.debug = true;
      c.miner_scorer.debug = true;
      c.pipeline.reference_rate = 1; // every round a reference round: research runs
    });
    const round = await v.runRound({ query: "what is a validator?" });
    expect(round.kind).toBe("reference");
    expect(research.calls).toBeGreaterThan(0);
    await v.scoreAndSetWeights();
    store.close();

    const debugDir = join(dir, "debug", "debug");
    const [logFile] = readdirSync(debugDir);
    expect(logFile).toMatch(/^logs-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const line = readFileSync(join(debugDir, logFile!), "utf8").trim();
    // Python's json.dumps layout, keys in LoggerLocal's order.
    expect(line).toMatch(
      /^\{"date": "\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "query": "what is a validator\?", "ground_truth": 0, "reference": ".*", "generators": \[\], "generator_hotkeys": \[\], "discriminator_results": \[.*\], "discriminator_scores": \[(\d\.\d+(, )?)+\], "discriminator_hotkeys": \[.*\], "generator_hotkey": "Validator"\}$/,
    );
    const rewards = readFileSync(join(dir, "debug", "debug_rewards.jsonl"), "utf8").trim();
    expect(rewards).toMatch(
      /^\{"date": "\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "rewards": \{("5\w+": \d\.\d+(, )?)+\}\}$/,
    );
  });
});
