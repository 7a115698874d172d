// apex-localnet's command lines: every command's --help lists each flag of its option table with the table's
// default and environment name (so --help cannot go stale), flags and BT_WALLET_PATH are read through the tables,
// and every command exits 2 for a usage error and 1 for a run-time failure.
import { SimChain, serveSimChain } from "@apex/chain";
import { flagOf, type OptionTable } from "@apex/protocol/options";
import { WALLET_CREATE_OPTIONS, WALLET_SHOW_OPTIONS } from "@apex/wallet";
import { describe, expect } from "vitest";
import { COMMAND_OPTIONS, parseLocalnetArgs, UsageError } from "../src/args.js";
import { HELP, main } from "../src/cli.js";
import { DASHBOARD_OPTIONS } from "../src/dashboard/index.js";
import { it } from "./temp-dir.js";

async function cli(argv: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env });
  return { code, out: out.join(""), err: err.join("") };
}

/** The lines --help gives one flag: its own line and the wrapped ones under it. */
function flagLines(help: string, flag: string): string | undefined {
  const lines = help.split("\n");
  const start = lines.findIndex((l) => new RegExp(`^\\s+(-\\w, )?--${flag}(\\s|$)`).test(l));
  if (start === -1) return undefined;
  const block = [lines[start]];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s{8,}\S/.test(line)) break;
    block.push(line);
  }
  return block.join("\n");
}

function expectEveryFlag(help: string, table: OptionTable) {
  const flags = Object.entries(table).flatMap(([key, spec]) => {
    const flag = flagOf(key, spec);
    return flag === undefined ? [] : [[flag, spec] as const];
  });
  expect(flags.length).toBeGreaterThan(0);
  for (const [flag, spec] of flags) {
    const lines = flagLines(help, flag);
    expect(lines, `--${flag} in\n${help}`).toBeDefined();
    if (spec.default !== undefined && spec.kind !== "bool")
      expect(lines, `--${flag}'s default`).toContain(`default ${[spec.default].flat().join(",")}`);
    if (typeof spec.env === "string") expect(lines, `--${flag}'s env`).toContain(`env ${spec.env}`);
  }
}

describe("apex-localnet --help", () => {
  it.each(Object.entries(COMMAND_OPTIONS))(
    "%s --help lists every flag of its table with its default",
    async (command, table) => {
      const { code, out } = await cli([command, "--help"]);
      expect(code).toBe(0);
      expect(out).toContain(`apex-localnet ${command}`);
      expectEveryFlag(out, table);
      // `help COMMAND` prints the same text.
      expect((await cli(["help", command])).out).toBe(out);
    },
  );

  it("help with no topic, or one that is no command, prints the overview", async () => {
    const overview = (await cli(["--help"])).out;
    expect(overview).toMatch(/^apex-localnet: run a whole Apex/);
    expect((await cli(["help", "toString"])).out).toBe(overview);
    expect((await cli(["help"])).out).toBe(overview);
  });

  it("run --help says which defaults depend on --virtual", async () => {
    const { out } = await cli(["run", "--help"]);
    expect(flagLines(out, "tempo")).toMatch(/10; 360 with --virtual/);
    expect(flagLines(out, "block-time")).toMatch(/250; 12000 with --virtual/);
    expect(flagLines(out, "wallet-path")).toContain("env BT_WALLET_PATH");
  });

  it("dashboard --help lists every flag of its table", async () => {
    const { code, out } = await cli(["dashboard", "--help"]);
    expect(code).toBe(0);
    expectEveryFlag(out, DASHBOARD_OPTIONS);
    expect((await cli(["help", "dashboard"])).out).toBe(out);
  });

  it("wallet --help lists every flag of the create and show tables", async () => {
    const { code, out } = await cli(["wallet", "--help"]);
    expect(code).toBe(0);
    const [create, show] = out.split("show flags:");
    expectEveryFlag(create ?? "", WALLET_CREATE_OPTIONS);
    expectEveryFlag(show ?? "", WALLET_SHOW_OPTIONS);
    expect((await cli(["help", "wallet"])).out).toBe(out);
  });

  it("the check above can fail: a flag missing from --help is found", async () => {
    const { out } = await cli(["chain", "--help"]);
    expect(() =>
      expectEveryFlag(out, { ...COMMAND_OPTIONS.chain, extra: { kind: "int", default: 3, help: "x" } }),
    ).toThrow(/--extra/);
    expect(() => expectEveryFlag(out.replace("default 9955", "default 1"), COMMAND_OPTIONS.chain)).toThrow(
      /--port's default/,
    );
  });
});

describe("apex-localnet flags and environment, through the tables", () => {
  it("parse typed values: chain's are its table's values as they are", () => {
    const parsed = parseLocalnetArgs(["chain", "--port", "0", "--block-time=100"]);
    expect(parsed).toEqual({
      command: "chain",
      options: { port: 0, host: "127.0.0.1", blockTimeMs: 100, tempo: 10 },
    });
  });

  it("run: the tempo and block time default by --virtual; --no-dashboard and --no-serve-chain turn them off", () => {
    const run = (argv: string[]) => {
      const p = parseLocalnetArgs(["run", ...argv]);
      if (p.command !== "run") throw new Error("expected run");
      return p.options;
    };
    expect(run([])).toMatchObject({
      tempo: 10,
      blockTimeMs: 250,
      hours: null,
      dashboardPort: 8787,
    });
    expect(run(["--virtual"])).toMatchObject({ tempo: 360, blockTimeMs: 12_000, hours: 1 });
    expect(run(["--virtual", "--rounds", "3", "--tempo", "5"])).toMatchObject({
      tempo: 5,
      hours: null,
      rounds: 3,
    });
    expect(run(["--no-dashboard", "--no-serve-chain"])).toMatchObject({
      dashboardPort: null,
      chainPort: null,
    });
    expect(run(["--strategies", "dummy/random, offline/learned"]).strategies).toEqual([
      "dummy/random",
      "offline/learned",
    ]);
    expect(run([]).strategies).toBeNull();
    expect(() => run(["--miners", "5000"])).toThrow(
      '--miners must be a whole number from 0 to 4096, got "5000"',
    );
    expect(() => run(["--hours", "2"])).toThrow(/--hours goes with --virtual/);
    expect(() => run(["stray"])).toThrow(UsageError);
  });

  it("the LLM key for --llm-base-url comes from APEX_LLM_API_KEY only, and run --help names it", () => {
    const run = parseLocalnetArgs(["run", "--llm-base-url", "http://127.0.0.1:1/v1"], {
      APEX_LLM_API_KEY: "sk-x",
    });
    expect(run.command === "run" && run.options.llmApiKey).toBe("sk-x");
    expect(() => parseLocalnetArgs(["run", "--llm-api-key", "sk-x"])).toThrow(UsageError);
    expect(HELP.run).toMatch(/^ {2}APEX_LLM_API_KEY +API key for --llm-base-url/m);
  });

  it("BT_WALLET_PATH is read through the table (run, bootstrap); --wallet-path wins over it", () => {
    const env = { BT_WALLET_PATH: "/from-env" };
    const bootstrap = parseLocalnetArgs(["bootstrap", "--network", "sim"], env);
    expect(bootstrap.command === "bootstrap" && bootstrap.options.walletPath).toBe("/from-env");
    const run = parseLocalnetArgs(["run", "--wallet-path", "/from-flag"], env);
    expect(run.command === "run" && run.options.walletPath).toBe("/from-flag");
    const none = parseLocalnetArgs(["run"], { BT_WALLET_PATH: "" });
    expect(none.command === "run" && none.options.walletPath).toBeNull();
  });
});

describe("apex-localnet exit codes: 2 usage, 1 run-time failure", () => {
  it.each([
    [["bogus"], /unknown command "bogus"/],
    [["run", "--bogus"], /Unknown option '--bogus'. Run apex-localnet run --help/],
    [["chain", "--port", "70000"], /--port must be a whole number from 0 to 65535/],
    [["bootstrap"], /bootstrap needs --network/],
    [["scenario"], /scenario needs a name/],
    [["scenario", "nope"], /unknown scenario "nope"; choose one of incentive/],
    [["subtensor", "--spec", "a", "--fork", "ws://x"], /not both/],
    [["dashboard", "--bogus"], /Unknown option '--bogus'/],
    [["wallet", "create", "--bogus"], /Unknown option '--bogus'/],
  ])("%j exits 2", async (argv, message) => {
    const { code, err } = await cli(argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it("a run-time error thrown by a command is printed and exits 1", async ({ tmpDir }) => {
    // A reference corpus that is not there: the command line is fine, the file is missing.
    const { code, err } = await cli([
      "run",
      "--rounds",
      "1",
      "--miners",
      "1",
      "--no-dashboard",
      "--no-serve-chain",
      "--quiet",
      "--reference-corpus",
      `${tmpDir}/missing.jsonl`,
    ]);
    expect(code).toBe(1);
    expect(err).toMatch(/^apex-localnet: .*missing\.jsonl/m);
  }, 60_000);

  it("wallet show of a wallet that does not exist exits 1", async ({ tmpDir }) => {
    const { code, err } = await cli(["wallet", "show", "--name", "nobody"], { BT_WALLET_PATH: tmpDir });
    expect(code).toBe(1);
    expect(err).toMatch(/nobody/);
  });

  it("bootstrap --netuid N checks the subnet the chain assigned: the expected one passes, another exits 1", async () => {
    const sim = new SimChain({ blockTimeMs: 20, autoBlocks: true });
    const served = await serveSimChain(sim, { port: 0, host: "127.0.0.1" });
    try {
      const first = await cli(["bootstrap", "--network", served.url, "--json"]);
      expect(first.code, first.err).toBe(0);
      const assigned = (JSON.parse(first.out) as { netuid: number }).netuid;
      // The next bootstrap on the same chain gets the next free netuid, not the one the services expect.
      const again = await cli(["bootstrap", "--network", served.url, "--netuid", String(assigned)]);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(
        new RegExp(`registered subnet ${assigned + 1}, but --netuid ${assigned} was expected`),
      );
      const expected = await cli(["bootstrap", "--network", served.url, "--netuid", String(assigned + 2)]);
      expect(expected.code, expected.err).toBe(0);
    } finally {
      await served.close();
      await sim.close();
    }
  }, 60_000);

  it("a scenario against an unreachable chain exits 1", async () => {
    const { code, out } = await cli(["scenario", "incentive", "--network", "http://127.0.0.1:1"]);
    expect(code).toBe(1);
    expect(out).toMatch(/fail bootstrap subnet .*ConnectionFailed/);
  }, 30_000);
});
