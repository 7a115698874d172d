import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadMinerConfig } from "@apex/miner";
import { loadValidatorConfig } from "@apex/validator";
import { walletCommand } from "@apex/wallet";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseLocalnetArgs } from "../src/args.js";
import { parseDashboardArgs } from "../src/dashboard/index.js";

// docker-compose.yml and the Dockerfile cannot run here (no Docker), so: (a) dclint validates the compose file
// against the compose schema and its rules, and (b) every command in it goes through our CLIs' own parsers.

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const composePath = join(repoRoot, "docker-compose.yml");
const dclintBin = join(here, "../node_modules/.bin/dclint");

interface DclintReport {
  filePath: string;
  messages: Array<{ rule: string; type: "error" | "warning"; message: string }>;
  errorCount: number;
  warningCount: number;
}

/** dclint's exit code is not a reliable verdict (it has exited 0 on errors), so read its JSON report. */
async function dclint(file: string): Promise<DclintReport> {
  const res = await run(dclintBin, ["--formatter", "json", "--color", "false", file], {
    timeout: 30_000,
  }).catch((err: { stdout?: string; stderr?: string }) => ({
    stdout: err.stdout ?? "",
    stderr: err.stderr ?? "",
  }));
  let parsed: DclintReport[];
  try {
    parsed = JSON.parse(res.stdout) as DclintReport[];
  } catch {
    throw new Error(`dclint printed no JSON report; stdout=${res.stdout} stderr=${res.stderr}`);
  }
  expect(parsed).toHaveLength(1);
  return parsed[0]!;
}

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  networks?: { apex?: { ipv4_address?: string } };
  restart?: string;
  configs?: Array<{ source: string; target: string }>;
}
type Compose = { services: Record<string, Service>; configs?: Record<string, { content?: string }> };

const compose = parseYaml(readFileSync(composePath, "utf8"), { merge: true }) as Compose;
const noFiles = (path: string): string => {
  throw new Error(`the compose commands must not need a config file (asked for ${path})`);
};
/** Reads only the files compose mounts into that service from inline `configs:`. */
function serviceFiles(service: string) {
  return (path: string): string => {
    const mount = compose.services[service]?.configs?.find((c) => c.target === path);
    const content = mount ? compose.configs?.[mount.source]?.content : undefined;
    if (content === undefined) throw new Error(`${service} has no file ${path} mounted from configs:`);
    return content;
  };
}
/** Splits ["apex-miner", ...flags] and checks the binary name. */
function command(service: string, bin: string): string[] {
  const cmd = compose.services[service]?.command;
  expect(cmd, `${service} has a command list`).toBeInstanceOf(Array);
  expect(cmd![0]).toBe(bin);
  return cmd!.slice(1);
}
function healthPort(service: string): number {
  const test = compose.services[service]!.healthcheck!.test.join(" ");
  const m = /http:\/\/127\.0\.0\.1:(\d+)\/health/.exec(test);
  expect(m, `${service} healthcheck GETs /health`).not.toBeNull();
  return Number(m![1]);
}

describe("docker-compose.yml through dclint", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "apex-compose-"));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it("reports no errors (and no warnings) for our file", async () => {
    const report = await dclint(composePath);
    expect(report.messages).toEqual([]);
    expect(report.errorCount).toBe(0);
  }, 30_000);

  it("does report a broken copy, so a clean report means something", async () => {
    const broken = readFileSync(composePath, "utf8").replace(
      /^ {2}bootstrap:$/m,
      "  bootstrap:\n    bogus_key: 1",
    );
    expect(broken).toContain("bogus_key");
    const file = join(dir, "docker-compose.yml");
    writeFileSync(file, broken);
    const report = await dclint(file);
    expect(report.errorCount).toBeGreaterThan(0);
    expect(report.messages.some((m) => m.type === "error" && m.rule === "invalid-schema")).toBe(true);
  }, 30_000);
});

describe("docker-compose.yml commands use flags our CLIs accept", () => {
  const chain = "ws://subtensor:9944";

  it("has the services, dependencies and healthchecks the stack needs", () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual([
      "bootstrap",
      "dashboard",
      "miner1",
      "miner2",
      "subtensor",
      "validator",
      "wallets-init",
    ]);
    expect(s.subtensor!.image).toMatch(/^ghcr\.io\/opentensor\/subtensor-localnet:/);
    expect(s.bootstrap!.depends_on).toEqual({
      subtensor: { condition: "service_healthy" },
      "wallets-init": { condition: "service_completed_successfully" },
    });
    expect(s.bootstrap!.restart).toBe("no");
    expect(s["wallets-init"]!.restart).toBe("no");
    for (const m of ["miner1", "miner2"])
      expect(s[m]!.depends_on).toEqual({ bootstrap: { condition: "service_completed_successfully" } });
    expect(s.validator!.depends_on).toEqual({
      miner1: { condition: "service_healthy" },
      miner2: { condition: "service_healthy" },
    });
    expect(s.dashboard!.depends_on).toEqual({ validator: { condition: "service_healthy" } });
    // One image for all our services, built from this repository.
    for (const name of ["bootstrap", "miner1", "miner2", "validator", "dashboard", "wallets-init"]) {
      expect(s[name]!.image).toBe("apex-ts:local");
      expect(s[name]!.build).toEqual({ context: ".", dockerfile: "Dockerfile" });
    }
  });

  it("bootstrap parses with parseLocalnetArgs and registers exactly the wallets the others use", () => {
    const parsed = parseLocalnetArgs(command("bootstrap", "apex-localnet"));
    if (parsed.command !== "bootstrap") throw new Error(`expected bootstrap, got ${parsed.command}`);
    const o = parsed.options;
    expect(o.network).toBe(chain);
    expect(o.netuid).toBe(2);
    expect(o.walletPath).toBe("/wallets");

    const miners = ["miner1", "miner2"].map((name) =>
      loadMinerConfig(command(name, "apex-miner"), {}, noFiles),
    );
    const validator = loadValidatorConfig(
      command("validator", "apex-validator"),
      {},
      serviceFiles("validator"),
    );
    expect(o.miners).toEqual(miners.map((m) => ({ wallet: m.coldkey, hotkey: m.hotkey })));
    expect(o.validators).toEqual([{ wallet: validator.chain.coldkey, hotkey: validator.chain.hotkey }]);
  });

  it("wallets-init's script creates, with flags apex-localnet wallet accepts, the wallets bootstrap loads", async () => {
    const cmd = compose.services["wallets-init"]!.command!;
    expect(cmd.slice(0, 2)).toEqual(["sh", "-ec"]);
    // Run the real script under sh with a stand-in apex-localnet that records its arguments; `$$` is compose's
    // escape for a literal `$`.
    const script = cmd[2]!.replaceAll("$$", "$");
    const dir = mkdtempSync(join(tmpdir(), "apex-wallets-"));
    try {
      const record = join(dir, "calls.txt");
      const bin = join(dir, "bin");
      mkdirSync(bin);
      writeFileSync(
        join(bin, "apex-localnet"),
        `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >> "${record}"\necho --end-- >> "${record}"\n`,
        { mode: 0o755 },
      );
      await run("sh", ["-ec", script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
      const calls = readFileSync(record, "utf8")
        .split("--end--\n")
        .filter(Boolean)
        .map((c) => c.trimEnd().split("\n"));
      expect(calls).toHaveLength(3);
      // Feed each recorded call to the real wallet command, into a temp dir instead of /wallets.
      const root = join(dir, "wallets");
      for (const call of calls) {
        expect(call.slice(0, 2)).toEqual(["wallet", "create"]);
        const argv = call.map((a) => (a === "/wallets" ? root : a));
        let err = "";
        const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (err += t) }, env: {} };
        expect(await walletCommand(argv, io), err).toBe(0);
      }
      const parsed = parseLocalnetArgs(command("bootstrap", "apex-localnet"));
      if (parsed.command !== "bootstrap") throw new Error("expected bootstrap");
      for (const w of [...parsed.options.validators, ...parsed.options.miners])
        expect(existsSync(join(root, w.wallet, "hotkeys", w.hotkey)), `${w.wallet}/${w.hotkey}`).toBe(true);
      // A second `up` finds them and creates nothing.
      rmSync(record);
      await run("sh", ["-ec", script.replaceAll("/wallets/", `${root}/`)], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
      expect(existsSync(record)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  it("each miner parses with loadMinerConfig: the chain, its wallet, its health port, its own network address", () => {
    const seen = new Set<string>();
    for (const name of ["miner1", "miner2"]) {
      const cfg = loadMinerConfig(command(name, "apex-miner"), {}, noFiles);
      expect(cfg.network).toBe(chain);
      expect(cfg.netuid).toBe(2);
      expect(cfg.walletPath).toBe("/wallets");
      expect(cfg.host).toBe("0.0.0.0");
      expect(cfg.port).toBe(healthPort(name));
      // The announced IP must be this container's fixed address (subtensor rejects 127.0.0.1).
      expect(cfg.externalIp).toBe(compose.services[name]!.networks!.apex!.ipv4_address);
      seen.add(`${cfg.coldkey}/${cfg.hotkey}`);
    }
    expect(seen.size).toBe(2);
  });

  it("the validator parses with loadValidatorConfig; its status port is the one its healthcheck polls", () => {
    const cfg = loadValidatorConfig(command("validator", "apex-validator"), {}, serviceFiles("validator"));
    expect(cfg.chain.network).toBe(chain);
    expect(cfg.chain.netuid).toBe(2);
    expect(cfg.chain.wallet_path).toBe("/wallets");
    expect(cfg.status.port).toBe(healthPort("validator"));
    // Reachable from the dashboard container, not only on the validator's own loopback.
    expect(cfg.status.host).toBe("0.0.0.0");
    expect(cfg.logger_db.db_path).toBe("/data/results.db");
  });

  it("the dashboard parses and points at the validator's status server", () => {
    const parsed = parseLocalnetArgs(command("dashboard", "apex-localnet"));
    if (parsed.command !== "dashboard") throw new Error(`expected dashboard, got ${parsed.command}`);
    const args = parseDashboardArgs(parsed.argv);
    expect(args.port).toBe(healthPort("dashboard"));
    expect(args.host).toBe("0.0.0.0");
    const validatorPort = loadValidatorConfig(
      command("validator", "apex-validator"),
      {},
      serviceFiles("validator"),
    ).status.port;
    expect(args.validatorStatus).toBe(`http://validator:${validatorPort}/api/status`);
  });

  it("a wrong flag is caught by the same parsers (the check above can fail)", () => {
    expect(() => loadMinerConfig(["--network", chain, "--extrenal-ip", "1.2.3.4"], {}, noFiles)).toThrow();
    expect(() => loadValidatorConfig(["--network", chain, "--netuid", "two"], {}, noFiles)).toThrow();
    expect(() => parseLocalnetArgs(["bootstrap", "--network", chain, "--miners", "x:y"])).toThrow();
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");

  it("is multi-stage on node 24 bookworm-slim with package.json's pnpm, a frozen install and a turbo build", () => {
    expect(dockerfile.match(/^FROM node:\S+ AS \w+$/gm)).toEqual([
      "FROM node:24-bookworm-slim AS build",
      "FROM node:24-bookworm-slim AS runtime",
    ]);
    // pnpm's version is read from package.json's packageManager, never written out again.
    expect(dockerfile).not.toMatch(/pnpm@\d/);
    expect(dockerfile).toContain(
      `npx -y "$(node -p 'require("./package.json").packageManager')" install --frozen-lockfile`,
    );
    expect(dockerfile).toContain("turbo run build");
    expect(dockerfile).toMatch(/python3 make g\+\+/);
    expect(dockerfile).toContain("npm_config_build_from_source=true");
    const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      packageManager: string;
    };
    expect(root.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
  });

  it("copies the manifest of every workspace before installing (a new workspace must be added there)", () => {
    const workspaces = ["apps", "packages"].flatMap((top) =>
      readdirSync(join(repoRoot, top))
        .filter((d) => existsSync(join(repoRoot, top, d, "package.json")))
        .map((d) => `${top}/${d}`),
    );
    const copied = [...dockerfile.matchAll(/^COPY (\S+)\/package\.json \1\/$/gm)].map((m) => m[1]);
    expect(copied.sort()).toEqual(workspaces.sort());
  });

  it("installs a command for each CLI the compose file runs, at the path the root scripts use", () => {
    const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const bins = new Set(Object.values(compose.services).flatMap((s) => (s.command ? [s.command[0]] : [])));
    expect([...bins].sort()).toEqual(["apex-localnet", "apex-miner", "apex-validator", "sh"]);
    expect(dockerfile).toContain(`exec node /app/apps/%s/dist/cli.js`);
    expect(dockerfile).toMatch(/for cmd in miner validator localnet;/);
    for (const app of ["miner", "validator", "localnet"])
      expect(root.scripts[app]).toBe(`node apps/${app}/dist/cli.js`);
  });

  it(".dockerignore keeps host node_modules and build output out of the context", () => {
    const ignore = readFileSync(join(repoRoot, ".dockerignore"), "utf8").split("\n");
    for (const p of ["**/node_modules", "**/dist", ".git"]) expect(ignore).toContain(p);
  });
});
