import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { type CliIo, main, parseJsonl } from "../src/cli.js";
import { it } from "./temp-dir.js";

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env,
    readFile: (p) => readFileSync(p, "utf8"),
    writeFile: (p, d) => writeFileSync(p, d),
  };
  return { value, out, err };
}

describe("apex-miner CLI", () => {
  it("--help documents the commands and exits 0", async () => {
    const t = io();
    expect(await main(["--help"], t.value)).toBe(0);
    expect(t.out.join("\n")).toMatch(/train-discriminator --out FILE/);
    expect(t.out.join("\n")).toMatch(/--trusted-validators/);
  });

  it("train-discriminator writes a model; eval-discriminator scores it on held-out data (text and --json)", async ({
    tmpDir: dir,
  }) => {
    const model = join(dir, "model.json");
    const data = join(dir, "held-out.jsonl");
    const t = io();
    expect(
      await main(["train-discriminator", "--out", model, "--examples", "200", "--seed", "3"], t.value),
    ).toBe(0);
    expect(JSON.parse(readFileSync(model, "utf8")).kind).toBe("apex-miner/logistic-regression");
    expect(await main(["make-data", "--out", data, "--examples", "120", "--seed", "99"], t.value)).toBe(0);
    expect(readFileSync(data, "utf8").trim().split("\n")).toHaveLength(120);

    const text = io();
    expect(await main(["eval-discriminator", "--model", model, "--data", data], text.value)).toBe(0);
    expect(text.out.join("\n")).toMatch(/accuracy\s+0\.\d{4}/);
    expect(text.out.join("\n")).toMatch(/precision/);
    expect(text.out.join("\n")).toMatch(/recall/);

    const learned = io();
    await main(["eval-discriminator", "--model", model, "--data", data, "--json"], learned.value);
    const l = JSON.parse(learned.out[0]!);
    const random = io();
    await main(
      ["eval-discriminator", "--discriminator", "random", "--seed", "1", "--data", data, "--json"],
      random.value,
    );
    const r = JSON.parse(random.out[0]!);
    expect(l.examples).toBe(120);
    expect(l.accuracy).toBeGreaterThan(r.accuracy + 0.2);
  });

  it("reports bad input clearly with exit code 2", async () => {
    const t = io();
    expect(await main(["frobnicate"], t.value)).toBe(2);
    expect(t.err[0]).toMatch(/unknown command "frobnicate"/);
    expect(await main(["train-discriminator"], t.value)).toBe(2);
    expect(t.err[1]).toMatch(/--out FILE/);
    expect(await main(["eval-discriminator", "--data", "/nonexistent.jsonl"], t.value)).toBe(2);
    expect(() => parseJsonl('{"query":"q"}\n', "d.jsonl")).toThrow(/d.jsonl:1 must be/);
  });

  it("refuses to run without the wallet it was pointed at, naming it", async ({ tmpDir: dir }) => {
    const t = io();
    const code = await main(
      [
        "--no-chain",
        "--no-verify",
        "--log-level",
        "silent",
        "--wallet-path",
        dir,
        "--coldkey",
        "nope",
        "--hotkey",
        "hk",
      ],
      t.value,
    );
    expect(code).toBe(2);
    expect(t.err[0]).toMatch(/nope/);
  });
});
