import { UsageError } from "@apex/protocol/options";
import { describe, expect, it } from "vitest";
import { loadValidatorConfig, VALIDATOR_HELP } from "../src/index.js";

const files = (map: Record<string, string>) => (p: string) => {
  const t = map[p];
  if (t === undefined) throw new Error("ENOENT");
  return t;
};
const none = files({});

describe("loadValidatorConfig", () => {
  it("has upstream's defaults except the 22 h window", () => {
    const c = loadValidatorConfig([], {}, none);
    expect(c.pipeline).toMatchObject({
      num_consumers: 5,
      timeout_consumer: 1200,
      timeout_producer: 240,
      queue_size: 10_000,
      reference_rate: 0.5,
      redundancy_rate: 0.05,
    });
    expect(c.miner_sampler).toMatchObject({
      sample_mode: "sequential",
      discriminator_sample_size: 50,
      generator_sample_size: 1,
      validator_min_stake: 24_000,
      request_timeout: 20,
      max_response_bytes: 1_048_576,
    });
    expect(c.miner_scorer).toMatchObject({
      interval: 1320,
      window_hours: 22,
      policy: "apex",
      version_key: 30006,
    });
    expect(c.chain).toMatchObject({ network: "finney", netuid: 1 });
    expect(c.logger_db.db_path).toBe("results.db");
  });

  it("reads upstream-style YAML ({kwargs}) and applies flags > env > YAML", () => {
    const yaml = `
chain:
  kwargs: { network: [test], netuid: 61, coldkey: yaml-cold, hotkey: yaml-hot }
miner_sampler:
  kwargs: { sample_mode: random, sample_size: 10 }
logger_wandb:
  kwargs: { project: x }
pipeline:
  num_consumers: 3
`;
    const c = loadValidatorConfig(
      ["--config", "v.yaml", "--hotkey", "flag-hot", "--db", "/tmp/x.db", "--rounds", "4"],
      { BT_WALLET_NAME: "env-cold", BT_WALLET_HOTKEY: "env-hot" },
      files({ "v.yaml": yaml }),
    );
    expect(c.chain).toMatchObject({ network: ["test"], netuid: 61, coldkey: "env-cold", hotkey: "flag-hot" });
    expect(c.miner_sampler.sample_mode).toBe("random");
    expect(c.pipeline).toMatchObject({ num_consumers: 3, rounds: 4 });
    expect(c.logger_db.db_path).toBe("/tmp/x.db");
  });

  it("picks the netuid per network and real backends when keys are set", () => {
    expect(loadValidatorConfig(["--network", "test"], {}, none).chain.netuid).toBe(61);
    const c = loadValidatorConfig([], { APEX_LLM_API_KEY: "k", TAVILY_API_KEY: "t" }, none);
    expect(c.llm.backend).toBe("openai");
    expect(c.websearch.backend).toBe("tavily");
  });

  it("has a no-chain test mode with --miners", () => {
    const c = loadValidatorConfig(
      ["--no-chain", "--miners", "http://127.0.0.1:8091=5Fabc,http://127.0.0.1:8092/=5Fdef"],
      {},
      none,
    );
    expect(c.chain.miners).toEqual([
      { url: "http://127.0.0.1:8091", hotkey: "5Fabc" },
      { url: "http://127.0.0.1:8092", hotkey: "5Fdef" },
    ]);
    expect(() => loadValidatorConfig(["--no-chain"], {}, none)).toThrow(/--miners/);
    expect(() => loadValidatorConfig(["--miners", "127.0.0.1:1=x"], {}, none)).toThrow(/http/);
  });

  it("--fast shortens the cadence", () => {
    const c = loadValidatorConfig(["--fast"], {}, none);
    expect(c.pipeline.timeout_producer).toBeLessThan(240);
    expect(c.miner_scorer.interval).toBeLessThan(1320);
  });

  it("says what is wrong", () => {
    expect(() => loadValidatorConfig(["--bogus"], {}, none)).toThrow(/Unknown option '--bogus'/);
    expect(() => loadValidatorConfig(["--netuid", "x"], {}, none)).toThrow(/--netuid must be a whole number/);
    expect(() => loadValidatorConfig(["-c", "a.yaml"], {}, files({ "a.yaml": "nonsense: {}" }))).toThrow(
      /unknown section/,
    );
    const bad = "pipeline:\n  reference_rate: 2\n";
    expect(() => loadValidatorConfig(["-c", "b.yaml"], {}, files({ "b.yaml": bad }))).toThrow(
      /pipeline.reference_rate/,
    );
    expect(() => loadValidatorConfig(["-c", "missing.yaml"], {}, none)).toThrow(UsageError);
  });

  it("documents every flag in --help", () => {
    for (const f of [
      "--config",
      "--network",
      "--netuid",
      "--coldkey",
      "--hotkey",
      "--wallet-path",
      "--db",
      "--port",
      "--rounds",
      "--fast",
      "--no-chain",
      "--miners",
      "--chain-endpoint",
      "--json",
      "scores",
      "export",
    ])
      expect(VALIDATOR_HELP).toContain(f);
  });
});

describe("config/validator-*.yaml examples", () => {
  it("all load and validate", async () => {
    const { readFileSync } = await import("node:fs");
    const { fileURLToPath } = await import("node:url");
    for (const name of ["mainnet", "testnet", "localnet"]) {
      const path = fileURLToPath(new URL(`../../../config/validator-${name}.yaml`, import.meta.url));
      const c = loadValidatorConfig(["-c", path], {}, (p) => readFileSync(p, "utf8"));
      // The public-network configs use profile upstream (23.75 h); the localnet keeps the seed's 22 h.
      expect(c.miner_scorer.window_hours, name).toBe(name === "localnet" ? 22 : 23.75);
    }
  });
});
