import { envOf, flagOf } from "@apex/protocol/options";
import { describe, expect, it } from "vitest";
import { helpText, loadMinerArgs, loadMinerConfig, MINER_OPTIONS, redactConfig } from "../src/config.js";

const noFile = (p: string): string => {
  throw new Error(`ENOENT: ${p}`);
};

describe("loadMinerConfig", () => {
  it("has defaults like the upstream miner (test network, port 8080) and netuid by network", () => {
    const c = loadMinerConfig([], {}, noFile);
    expect(c).toMatchObject({ network: "test", port: 8080, netuid: 61, verify: true, budgetMs: 15_000 });
    expect(loadMinerConfig(["--network", "finney"], {}, noFile).netuid).toBe(1);
    expect(loadMinerConfig(["--network", "sim"], {}, noFile).netuid).toBeUndefined();
    expect(loadMinerConfig(["--network", "sim", "--netuid", "2"], {}, noFile).netuid).toBe(2);
  });

  it("takes flags over env over YAML over defaults", () => {
    const yaml = "port: 9000\ngenerator: dummy\ndiscriminator: heuristic\nminValidatorStake: 100\n";
    const files = { "m.yaml": yaml };
    const read = (p: string) => files[p as keyof typeof files] ?? noFile(p);
    const env = { APEX_MINER_PORT: "9100", APEX_MINER_GENERATOR: "offline" };
    const c = loadMinerConfig(["--config", "m.yaml", "--port", "9200"], env, read);
    expect(c.port).toBe(9200);
    expect(c.generator).toBe("offline");
    expect(c.discriminator).toBe("heuristic");
    expect(c.minValidatorStake).toBe(100);
    expect(loadMinerConfig(["--config", "m.yaml"], env, read).port).toBe(9100);
    expect(loadMinerConfig(["--config", "m.yaml"], {}, read).port).toBe(9000);
  });

  it("reads the LLM key only from APEX_LLM_API_KEY and redacts it", () => {
    const c = loadMinerConfig(
      ["--generator", "llm", "--llm-base-url", "http://127.0.0.1:8000/v1", "--llm-model", "m"],
      { APEX_LLM_API_KEY: "sk-secret" },
      noFile,
    );
    expect(c.llmApiKey).toBe("sk-secret");
    expect(JSON.stringify(redactConfig(c))).not.toContain("sk-secret");
    expect(() => loadMinerConfig(["--config", "k.yaml"], {}, () => "llmApiKey: x\n")).toThrow(/unknown key/);
  });

  it("reads the one environment scheme: BT_* for wallet and chain, APEX_MINER_* for the rest", () => {
    // What the localnet's --miner-cmd hands a child miner.
    const c = loadMinerConfig(
      [],
      {
        APEX_MINER_PORT: "4321",
        APEX_MINER_HOTKEY_URI: "//apex//cmd0//hot",
        BT_SUBTENSOR_NETWORK: "sim",
        BT_SUBTENSOR_CHAIN_ENDPOINT: "http://127.0.0.1:9955",
        APEX_MINER_NETUID: "2",
        APEX_MINER_SERVE_AXON: "false",
      },
      noFile,
    );
    expect(c).toMatchObject({
      port: 4321,
      hotkeyUri: "//apex//cmd0//hot",
      network: "sim",
      chainEndpoint: "http://127.0.0.1:9955",
      netuid: 2,
      serveAxon: false,
    });
    const wallet = loadMinerConfig(
      [],
      { BT_WALLET_NAME: "cold", BT_WALLET_HOTKEY: "hot", BT_WALLET_PATH: "/w" },
      noFile,
    );
    expect(wallet).toMatchObject({ coldkey: "cold", hotkey: "hot", walletPath: "/w" });
    expect(loadMinerConfig(["--no-serve-axon"], {}, noFile).serveAxon).toBe(false);
  });

  it("warns once for each retired environment name that is set, and does not read it", () => {
    const { config, warnings } = loadMinerArgs([], { APEX_NETWORK: "sim", APEX_MINER_COLDKEY: "x" }, noFile);
    expect(config.network).toBe("test");
    expect(config.coldkey).toBe("default");
    expect(warnings).toEqual([
      "APEX_NETWORK is no longer read; use BT_SUBTENSOR_NETWORK",
      "APEX_MINER_COLDKEY is no longer read; use BT_WALLET_NAME",
    ]);
  });

  it("--no-chain needs --trusted-validators unless --no-verify", () => {
    expect(() => loadMinerConfig(["--no-chain"], {}, noFile)).toThrow(/--trusted-validators/);
    const c = loadMinerConfig(["--no-chain", "--trusted-validators", "5A, 5B"], {}, noFile);
    expect(c.trustedValidators).toEqual(["5A", "5B"]);
    expect(loadMinerConfig(["--no-chain", "--no-verify"], {}, noFile).verify).toBe(false);
  });

  it("gives clear errors for bad input", () => {
    expect(() => loadMinerConfig(["--port", "eighty"], {}, noFile)).toThrow(
      '--port must be a whole number from 0 to 65535, got "eighty"',
    );
    expect(() => loadMinerConfig(["--port", "70000"], {}, noFile)).toThrow(/--port must be/);
    expect(() => loadMinerConfig(["--bogus"], {}, noFile)).toThrow(/--help/);
    expect(() => loadMinerConfig(["--network", "mars"], {}, noFile)).toThrow(/--network must be/);
    expect(() => loadMinerConfig(["--generator", "llm"], {}, noFile)).toThrow(/--llm-base-url/);
    expect(() => loadMinerConfig(["--config", "x.yaml"], {}, noFile)).toThrow(
      /cannot read config file x.yaml/,
    );
    expect(() => loadMinerConfig(["--config", "x.yaml"], {}, () => "port: [1\n")).toThrow(/not valid YAML/);
    expect(() => loadMinerConfig(["--config", "x.yaml"], {}, () => "- a\n")).toThrow(/mapping/);
  });

  it("--help documents every option", () => {
    const h = helpText();
    for (const [key, spec] of Object.entries(MINER_OPTIONS)) {
      const flag = flagOf(key, spec);
      // A flagless option is a secret read from the environment: its variable is listed instead.
      expect(h).toContain(flag === undefined ? `  ${envOf(key, spec, "APEX_MINER_")}` : `--${flag}`);
    }
    // Defaults and environment names come from the table, so the text cannot drift from what is read.
    expect(h).toMatch(/--port N +listen port[^\n]*\n? *[^\n]*\[default 8080, env APEX_MINER_PORT\]/);
    expect(h).toMatch(/--coldkey NAME +wallet \(coldkey\) name \[default default, env BT_WALLET_NAME\]/);
    expect(h).not.toContain("trained at start-up");
    expect(h).toContain("train-discriminator");
    expect(h).toContain("eval-discriminator");
    expect(h).toContain("APEX_LLM_API_KEY");
  });
});

describe("the example configs in config/miner-*.yaml", () => {
  it("all load and validate", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const dir = join(import.meta.dirname, "../../../config");
    const files = readdirSync(dir).filter((f) => /^miner-.*\.yaml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const c = loadMinerConfig(["--config", join(dir, f)], {}, (p) => readFileSync(p, "utf8"));
      expect(c.generator, f).toBeTruthy();
    }
  });
});
