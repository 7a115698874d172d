// Upstream's two example configs (config/mainnet.yaml.example and config/testnet.yaml.example in Apex v3.0.6),
// rebuilt here from the keys they document with placeholder values, must load: keys we do not use give one
// warning each, unknown keys are refused with a suggestion.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UsageError } from "@apex/protocol/options";
import { describe, expect, it } from "vitest";
import { loadValidatorConfig, UPSTREAM_VERIFIED_HOTKEYS } from "../src/index.js";

const files = (map: Record<string, string>) => (p: string) => {
  const t = map[p];
  if (t === undefined) throw new Error("ENOENT");
  return t;
};

const common = `
websearch:
  kwargs:
    key: "TAVILY_KEY"
logger_wandb:
  kwargs:
    project: "some-project"
    api_key: "WANDB_KEY"
llm:
  kwargs:
    key: "LLM_KEY"
    base_url: "https://llm.example/v1"
    model: "model-a"
deep_research:
  kwargs:
    key: "LLM_KEY"
    base_url: "https://llm.example/v1"
    emb_base_url: "https://embed.example/embed"
    summary_model: "model-s"
    research_model: "model-r"
    compression_model: "model-c"
    final_model: "model-f"
weight_syncer:
  kwargs:
    port: 8001
    enable_receive: True
    enable_send: True
`;
const MAINNET = `
chain:
  kwargs:
    netuid: 1
    coldkey: "COLD"
    hotkey: "HOT"
    network:
      - finney
${common}`;
const TESTNET = `
chain:
  kwargs:
    netuid: 61
    coldkey: "COLD"
    hotkey: "HOT"
    network:
      - test
${common}
miner_sampler:
  kwargs:
    sample_mode: sequential
    sample_size: 1
`;

function load(yaml: string, argv: string[] = []) {
  const warnings: string[] = [];
  const config = loadValidatorConfig(["-c", "cfg.yaml", ...argv], {}, files({ "cfg.yaml": yaml }), (m) =>
    warnings.push(m),
  );
  return { config, warnings };
}

describe("upstream example configs", () => {
  it("mainnet example loads, one warning per key with no effect here", () => {
    const { config, warnings } = load(MAINNET);
    expect(config.chain).toMatchObject({ netuid: 1, coldkey: "COLD", hotkey: "HOT", network: ["finney"] });
    expect(config.deep_research).toMatchObject({ research_model: "model-r", final_model: "model-f" });
    expect(config.weight_syncer).toMatchObject({ enable_receive: true, enable_send: true, port: 8001 });
    const keys = warnings.map((w) => /upstream key (\S+) has no effect/.exec(w)?.[1]);
    expect(keys.sort()).toEqual(
      [
        "deep_research.compression_model",
        "deep_research.emb_base_url",
        "deep_research.summary_model",
        "logger_wandb.api_key",
        "logger_wandb.project",
      ].sort(),
    );
  });

  it("testnet example loads too (its removed miner_sampler.sample_size is one more warning)", () => {
    const { config, warnings } = load(TESTNET);
    expect(config.chain.netuid).toBe(61);
    expect(warnings).toHaveLength(6);
    expect(warnings.join("\n")).toContain("miner_sampler.sample_size");
  });

  it("refuses a truly unknown key or section, with a did-you-mean", () => {
    expect(() => load("miner_scorer:\n  windw_hours: 23.75\n")).toThrow(
      /miner_scorer\.windw_hours.*did you mean miner_scorer\.window_hours/,
    );
    expect(() => load("weight_synced:\n  port: 1\n")).toThrow(
      /unknown section weight_synced \(did you mean weight_syncer\?\)/,
    );
    expect(() => load("pipeline:\n  zzz: 1\n")).toThrow(UsageError);
  });

  it("accepts upstream's {hotkey: address|null} verified_hotkeys mapping", () => {
    const { config } = load(
      'weight_syncer:\n  verified_hotkeys:\n    "5Abc": "1.2.3.4:8001"\n    "5Def": null\n',
    );
    expect(config.weight_syncer.verified_hotkeys).toEqual([
      { hotkey: "5Abc", address: "1.2.3.4:8001" },
      { hotkey: "5Def" },
    ]);
  });
});

describe("profile upstream", () => {
  it("sets every weight-relevant knob to upstream's value; the default profile keeps ours", () => {
    const ours = loadValidatorConfig([], {}, files({}));
    expect(ours.profile).toBe("default");
    expect(ours.miner_scorer).toMatchObject({
      window_hours: 22,
      weight_precision: "float64",
      summation: "buckets",
    });
    expect(ours.chain.stake).toBe("alpha");
    expect(ours.pipeline.drop_round_replies).toBe("safe");
    expect(ours.pipeline.deliverability_check).toBe(true);
    expect(ours.weight_syncer.merge).toBe("bounded");

    for (const c of [
      loadValidatorConfig(["--profile", "upstream"], {}, files({})),
      load("profile: upstream\n").config,
      loadValidatorConfig([], { APEX_VALIDATOR_PROFILE: "upstream" }, files({})),
    ]) {
      expect(c.profile).toBe("upstream");
      expect(c.miner_scorer).toMatchObject({
        window_hours: 23.75,
        interval: 1320,
        weight_precision: "float32",
        summation: "rows",
        policy: "apex",
        burn_share: 0,
      });
      expect(c.chain.stake).toBe("total");
      expect(c.pipeline.drop_round_replies).toBe("upstream");
      expect(c.pipeline.deliverability_check).toBe(false);
      expect(c.weight_syncer.merge).toBe("upstream");
      expect(c.miner_sampler).toMatchObject({ validator_min_stake: 24_000, discriminator_sample_size: 50 });
      expect(c.weight_syncer).toMatchObject({
        enable_receive: true,
        enable_send: true,
        min_alpha_stake: 15_000,
        expiry: 3600,
        request_timeout: 5,
      });
      expect(c.weight_syncer.verified_hotkeys).toEqual(UPSTREAM_VERIFIED_HOTKEYS);
    }
  });

  it("an explicit value in the file or a flag still wins over the profile", () => {
    const { config } = load("profile: upstream\nminer_scorer:\n  window_hours: 20\nchain:\n  stake: alpha\n");
    expect(config.miner_scorer.window_hours).toBe(20);
    expect(config.chain.stake).toBe("alpha");
    expect(config.miner_scorer.weight_precision).toBe("float32");
    expect(() => loadValidatorConfig(["--profile", "fast"], {}, files({}))).toThrow(/profile must be/);
  });
});

describe("the committed mainnet and testnet configs", () => {
  for (const name of ["validator-mainnet.yaml", "validator-testnet.yaml"]) {
    it(`${name} uses the upstream profile and loads without warnings`, () => {
      const path = fileURLToPath(new URL(`../../../config/${name}`, import.meta.url));
      const warnings: string[] = [];
      const c = loadValidatorConfig(
        ["-c", path],
        {},
        (p) => readFileSync(p, "utf8"),
        (m) => warnings.push(m),
      );
      expect(warnings).toEqual([]);
      expect(c.profile).toBe("upstream");
      expect(c.miner_scorer).toMatchObject({
        window_hours: 23.75,
        weight_precision: "float32",
        summation: "rows",
      });
      expect(c.chain.stake).toBe("total");
      expect(c.weight_syncer.enable_receive).toBe(true);
    });
  }
});
