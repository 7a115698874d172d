import { describe, expect, expectTypeOf, it } from "vitest";
import {
  defineOptions,
  didYouMean,
  envOf,
  exitCodeOf,
  helpLines,
  layer,
  type OptionValues,
  parseFlags,
  readEnv,
  readFileValues,
  retiredEnvWarnings,
  UsageError,
} from "../src/options.js";

const TABLE = defineOptions({
  network: { kind: "string", default: "test", env: "BT_SUBTENSOR_NETWORK", help: "network" },
  port: { kind: "int", min: 0, max: 65535, default: 8080, help: "listen port" },
  netuid: { kind: "int", min: 0, help: "subnet" },
  stake: { kind: "number", min: 0, default: 1.5, help: "stake" },
  verify: { kind: "bool", default: true, negated: true, flag: "no-verify", help: "accept unsigned" },
  fast: { kind: "bool", help: "fast cadence" },
  trusted: { kind: "list", help: "hotkeys" },
  cmds: { kind: "list", repeat: true, flag: "cmd", env: false, help: "commands" },
  level: { kind: "enum", values: ["info", "debug"], default: "info", short: "l", help: "log level" },
  secretish: { kind: "string", flag: false, env: false, file: false, help: "not settable" },
});
const hint = "tool --help";

describe("option tables", () => {
  it("derive the value type: defaults (and booleans, lists) always present, the rest optional", () => {
    type V = OptionValues<typeof TABLE>;
    expectTypeOf<V["port"]>().toEqualTypeOf<number>();
    expectTypeOf<V["level"]>().toEqualTypeOf<"info" | "debug">();
    expectTypeOf<V["fast"]>().toEqualTypeOf<boolean>();
    expectTypeOf<V["trusted"]>().toEqualTypeOf<string[]>();
    expectTypeOf<V["netuid"]>().toEqualTypeOf<number | undefined>();
    const { values } = layer(TABLE, []);
    expect(values).toEqual({
      network: "test",
      port: 8080,
      stake: 1.5,
      verify: true,
      fast: false,
      trusted: [],
      cmds: [],
      level: "info",
    });
  });

  it("parse flags with their types: negated booleans, comma lists, repeated flags, short names", () => {
    const { values, positionals } = parseFlags(
      TABLE,
      [
        "run",
        "--port",
        "9000",
        "--no-verify",
        "--trusted",
        "5A, 5B,",
        "--cmd",
        "a b",
        "--cmd",
        "c",
        "-l",
        "debug",
      ],
      { hint, allowPositionals: true },
    );
    expect(values).toEqual({
      port: 9000,
      verify: false,
      trusted: ["5A", "5B"],
      cmds: ["a b", "c"],
      level: "debug",
    });
    expect(positionals).toEqual(["run"]);
  });

  it("refuse bad values naming the flag, the rule and the value, as usage errors (exit code 2)", () => {
    const bad = (argv: string[]) => () => parseFlags(TABLE, argv, { hint });
    expect(bad(["--port", "70000"])).toThrow('--port must be a whole number from 0 to 65535, got "70000"');
    expect(bad(["--port", "8.5"])).toThrow("--port must be a whole number");
    expect(bad(["--stake=-1"])).toThrow('--stake must be a number ≥ 0, got "-1"');
    expect(bad(["--stake", "-1"])).toThrow(/use '--stake=-XYZ'. Run tool --help/);
    expect(bad(["--level", "loud"])).toThrow('--level must be one of info, debug, got "loud"');
    expect(bad(["--bogus"])).toThrow(/Unknown option '--bogus'. Run tool --help for the list of flags/);
    expect(bad(["--prot", "1"])).toThrow("Unknown option '--prot' (did you mean --port?). Run tool --help");
    expect(bad(["--port"])).toThrow(/--port/);
    expect(bad(["stray"])).toThrow(/Unexpected argument 'stray'/);
    try {
      bad(["--port", "x"])();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect(exitCodeOf(err)).toBe(2);
    }
    expect(exitCodeOf(new Error("disk full"))).toBe(1);
  });

  it("read the environment under the table's names; empty counts as unset", () => {
    expect(envOf("port", TABLE.port, "APP_")).toBe("APP_PORT");
    expect(envOf("network", TABLE.network, "APP_")).toBe("BT_SUBTENSOR_NETWORK");
    expect(envOf("cmds", TABLE.cmds, "APP_")).toBeUndefined();
    expect(envOf("port", TABLE.port, undefined)).toBeUndefined();
    const env = { APP_PORT: "1234", BT_SUBTENSOR_NETWORK: "finney", APP_VERIFY: "false", APP_NETUID: "" };
    expect(readEnv(TABLE, env, "APP_")).toEqual({ port: 1234, network: "finney", verify: false });
    expect(() => readEnv(TABLE, { APP_FAST: "maybe" }, "APP_")).toThrow(
      'environment APP_FAST must be true or false, got "maybe"',
    );
  });

  it("read a config file by key or flag name, refusing unknown keys with the closest known one", () => {
    expect(readFileValues(TABLE, { port: 1, "no-verify": false, trusted: ["x"] }, "f.yaml")).toEqual({
      port: 1,
      verify: false,
      trusted: ["x"],
    });
    expect(readFileValues(TABLE, null, "f.yaml")).toEqual({});
    expect(() => readFileValues(TABLE, { prot: 1 }, "f.yaml")).toThrow(
      'config file f.yaml: unknown key "prot" (did you mean port?)',
    );
    expect(() => readFileValues(TABLE, { secretish: "x" }, "f.yaml")).toThrow(/unknown key "secretish"/);
    expect(() => readFileValues(TABLE, ["a"], "f.yaml")).toThrow(/mapping/);
    expect(() => readFileValues(TABLE, { port: "eighty" }, "f.yaml")).toThrow(
      'config file f.yaml: port must be a whole number from 0 to 65535, got "eighty"',
    );
  });

  it("stack layers defaults < file < env < flags and say where each value came from", () => {
    const { values, sources } = layer(TABLE, [
      ["file", { port: 1, stake: 2 }],
      ["env", { port: 2 }],
      ["flag", { port: 3, netuid: undefined }],
    ]);
    expect(values.port).toBe(3);
    expect(values.stake).toBe(2);
    expect(values.netuid).toBeUndefined();
    expect(sources).toMatchObject({ port: "flag", stake: "file", network: "default" });
    expect(sources.netuid).toBeUndefined();
  });

  it("write --help from the table: argument, help, default and environment name for every flag", () => {
    const lines = helpLines(TABLE, { envPrefix: "APP_" });
    const text = lines.join("\n");
    expect(text).toMatch(/^ {2}--port N +listen port \[default 8080, env APP_PORT\]$/m);
    expect(text).toMatch(/^ {2}--no-verify +accept unsigned \[env APP_VERIFY=false\]$/m);
    expect(text).toMatch(/^ {2}-l, --level info\|debug +log level \[default info, env APP_LEVEL\]$/m);
    expect(text).toMatch(/^ {2}--cmd VALUE \(repeatable\) +commands$/m);
    expect(text).not.toContain("secretish");
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(110);
  });

  it("name retired environment variables that are set, and what replaced them", () => {
    const retired = { APEX_NETWORK: "BT_SUBTENSOR_NETWORK", APEX_COLDKEY: "BT_WALLET_NAME" };
    expect(retiredEnvWarnings(retired, { APEX_NETWORK: "sim", APEX_COLDKEY: "" })).toEqual([
      "APEX_NETWORK is no longer read; use BT_SUBTENSOR_NETWORK",
    ]);
  });

  it("suggest the closest name only when it is close", () => {
    expect(didYouMean("netuld", ["netuid", "network"])).toBe("netuid");
    expect(didYouMean("zzzzzz", ["netuid", "network"])).toBeUndefined();
  });
});
