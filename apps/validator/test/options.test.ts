// The validator's options have one home, ValidatorConfigSchema: --help, the flag parser, the environment names and
// the defaults are derived from it. These tests fail when a flag, a default or a variable is written a second time
// and drifts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "@apex/protocol/options";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import {
  defaultValidatorConfig,
  EXPORT_OPTIONS,
  IMPORT_UPSTREAM_OPTIONS,
  loadValidatorConfig,
  optionTableOf,
  RUN_FLAGS,
  SCORES_OPTIONS,
  type SchemaNode,
  schemaDefaults,
  VALIDATOR_HELP,
  VALIDATOR_OPTIONS,
  ValidatorConfigSchema,
  validatorHelp,
} from "../src/index.js";

const none = (p: string): string => {
  throw new Error(`ENOENT ${p}`);
};

/** The help text after each flag, up to the next flag line: `--flag` → its block. */
function helpBlocks(help: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let current: string | undefined;
  for (const line of help.split("\n")) {
    const m = /^ {2}(?:-\w, )?--([a-z][\w-]*)/.exec(line);
    if (m?.[1]) {
      current = m[1];
      blocks.set(current, (blocks.get(current) ?? "") + line);
    } else if (current && /^ {10,}\S/.test(line))
      blocks.set(current, `${blocks.get(current)} ${line.trim()}`);
    else current = undefined;
  }
  return blocks;
}

/** The value at a dotted path of an object. */
function at(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
}

const TABLES = [RUN_FLAGS, VALIDATOR_OPTIONS, SCORES_OPTIONS, IMPORT_UPSTREAM_OPTIONS, EXPORT_OPTIONS];

describe("--help comes from the option tables", () => {
  it("lists every flag of the tables, and no flag that is in none of them", () => {
    const tableFlags = new Set(
      TABLES.flatMap((t) => Object.entries(t).flatMap(([k, s]) => (s.flag === false ? [] : [s.flag ?? k]))),
    );
    const shown = new Set(helpBlocks(VALIDATOR_HELP).keys());
    shown.delete("help");
    expect([...shown].sort()).toEqual([...tableFlags].sort());
  });

  it("shows each run flag's default and environment variable", () => {
    const blocks = helpBlocks(VALIDATOR_HELP);
    const defaults = defaultValidatorConfig();
    let checked = 0;
    for (const [path, spec] of Object.entries(VALIDATOR_OPTIONS)) {
      if (spec.flag === false || spec.flag === undefined) continue;
      const block = blocks.get(spec.flag) ?? "";
      expect(block, spec.flag).toContain(`env ${spec.env}`);
      const def = at(defaults, path);
      if (typeof def === "string" || (typeof def === "number" && def !== 0))
        expect(block, `${spec.flag} default`).toContain(String(def));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(15);
    // The names the bittensor SDK and btcli use for wallet and chain; APEX_VALIDATOR_<FLAG> for the rest.
    expect(blocks.get("coldkey")).toContain("env BT_WALLET_NAME");
    expect(blocks.get("hotkey")).toContain("env BT_WALLET_HOTKEY");
    expect(blocks.get("wallet-path")).toContain("env BT_WALLET_PATH");
    expect(blocks.get("network")).toContain("env BT_SUBTENSOR_NETWORK");
    expect(blocks.get("chain-endpoint")).toContain("env BT_SUBTENSOR_CHAIN_ENDPOINT");
    expect(blocks.get("profile")).toContain("env APEX_VALIDATOR_PROFILE");
    expect(blocks.get("db")).toContain("default results.db, env APEX_VALIDATOR_DB");
    expect(blocks.get("config")).toContain("env APEX_VALIDATOR_CONFIG");
    // Secrets are environment-only lines, never flags.
    for (const name of ["APEX_LLM_API_KEY", "APEX_DEEP_RESEARCH_API_KEY", "TAVILY_API_KEY"])
      expect(VALIDATOR_HELP).toMatch(new RegExp(`^ {2}${name} `, "m"));
  });
});

describe("each default is written once, in the schema", () => {
  it("defaultValidatorConfig() is the schema's defaults", () => {
    expect(defaultValidatorConfig()).toEqual(schemaDefaults(ValidatorConfigSchema));
    expect(defaultValidatorConfig().status.port).toBe(8002);
    // A copy each time: callers may mutate it.
    const a = defaultValidatorConfig();
    a.chain.miners.push({ url: "http://x", hotkey: "y" });
    expect(defaultValidatorConfig().chain.miners).toEqual([]);
  });

  it("a changed schema default shows in both the config defaults and --help", () => {
    const schema: SchemaNode = structuredClone(ValidatorConfigSchema);
    const port = schema.properties?.status?.properties?.port;
    if (!port) throw new Error("status.port is not in the schema");
    port.default = 9123;
    expect(at(schemaDefaults(schema), "status.port")).toBe(9123);
    expect(helpBlocks(validatorHelp(optionTableOf(schema))).get("port")).toContain("default 9123");
    expect(helpBlocks(VALIDATOR_HELP).get("port")).toContain("default 8002");
  });
});

describe("environment names", () => {
  it("reads BT_* for wallet and chain and APEX_VALIDATOR_<FLAG> for the rest", () => {
    const c = loadValidatorConfig(
      [],
      {
        BT_WALLET_NAME: "cold",
        BT_WALLET_HOTKEY: "hot",
        BT_WALLET_PATH: "/w",
        BT_SUBTENSOR_NETWORK: "test",
        BT_SUBTENSOR_CHAIN_ENDPOINT: "ws://127.0.0.1:9944",
        APEX_VALIDATOR_DB: "/tmp/v.db",
        APEX_VALIDATOR_PORT: "8100",
        APEX_VALIDATOR_LOG_LEVEL: "debug",
      },
      none,
    );
    expect(c.chain).toMatchObject({
      coldkey: "cold",
      hotkey: "hot",
      wallet_path: "/w",
      network: "test",
      netuid: 61,
      endpoint: "ws://127.0.0.1:9944",
    });
    expect(c.logger_db.db_path).toBe("/tmp/v.db");
    expect(c.status.port).toBe(8100);
    expect(c.logging.level).toBe("debug");
    // Flags still win over the environment.
    expect(loadValidatorConfig(["--port", "8200"], { APEX_VALIDATOR_PORT: "8100" }, none).status.port).toBe(
      8200,
    );
    expect(() => loadValidatorConfig([], { APEX_VALIDATOR_PORT: "x" }, none)).toThrow(
      /environment APEX_VALIDATOR_PORT must be a whole number/,
    );
  });

  it("an explicit netuid from the environment is kept over the network's", () => {
    const c = loadValidatorConfig(["--network", "test"], { APEX_VALIDATOR_NETUID: "7" }, none);
    expect(c.chain.netuid).toBe(7);
  });

  it("warns once for each retired name that is set, and does not read it", () => {
    const warnings: string[] = [];
    const c = loadValidatorConfig(
      [],
      { APEX_COLDKEY: "old-cold", APEX_HOTKEY: "old-hot", APEX_PROFILE: "upstream" },
      none,
      (m) => warnings.push(m),
    );
    expect(warnings).toEqual([
      "APEX_COLDKEY is no longer read; use BT_WALLET_NAME",
      "APEX_HOTKEY is no longer read; use BT_WALLET_HOTKEY",
      "APEX_PROFILE is no longer read; use APEX_VALIDATOR_PROFILE",
    ]);
    expect(c.chain.coldkey).toBe("default");
    expect(c.profile).toBe("default");
  });
});

function io(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void err.push(t),
      env,
      readFile: none,
      stopSignal: Promise.resolve(),
    },
  };
}

describe("exit codes through main", () => {
  it("2 for usage errors: a bad flag, a bad value, a bad subcommand flag, an unknown command", async () => {
    for (const argv of [
      ["--bogus"],
      ["--netuid", "x"],
      ["--log-level", "loud"],
      ["scores", "--bogus"],
      ["export"],
      ["import-upstream", "--from", "a.db"],
      ["scroes"],
    ]) {
      const t = io();
      expect(await main(argv, t.io), argv.join(" ")).toBe(2);
      expect(t.err.join(""), argv.join(" ")).toMatch(/^apex-validator: /);
    }
    const t = io({ APEX_VALIDATOR_PROFILE: "nope" });
    expect(await main([], t.io)).toBe(2);
  });

  it("1 for a run-time failure (no wallet), after the retired-name warning", async () => {
    const root = mkdtempSync(join(tmpdir(), "apex-validator-wallets-"));
    try {
      const t = io({ APEX_COLDKEY: "old" });
      const code = await main(["--network", "sim", "--wallet-path", root, "--log-level", "silent"], t.io);
      expect(code).toBe(1);
      const stderr = t.err.join("");
      expect(stderr).toContain("apex-validator: warning: APEX_COLDKEY is no longer read; use BT_WALLET_NAME");
      expect(stderr).not.toMatch(/Unknown option|must be/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("0 for --help, which prints the generated text", async () => {
    const t = io();
    expect(await main(["--help"], t.io)).toBe(0);
    expect(t.out.join("")).toBe(VALIDATOR_HELP);
  });

  it("the UsageError is the one the loader throws", () => {
    expect(() => loadValidatorConfig(["--bogus"], {}, none)).toThrow(UsageError);
  });
});
