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
    expect(text.out.join("\n")).toMatch(/accuracy 0\.\d{3}/);
    expect(text.out.join("\n")).toMatch(/recall\s+reference \(0\) \d\.\d{3}\s+miner \(1\) \d\.\d{3}/);
    expect(text.out.join("\n")).toMatch(/reference \(0\)\s+\d+\s+\d+\n\s+miner \(1\)\s+\d+\s+\d+/);
    expect(text.out.join("\n")).toMatch(/Brier 0\.\d{3}/);

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

  it("train-discriminator --data trains on your JSONL: the model changes, a seed reproduces it, figures are printed", async ({
    tmpDir: dir,
  }) => {
    // "Your" data: short plain references with one citation (a layout the generator never writes) against answers.
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      const query = `What explains trend ${i} in the survey data? How reliable is it?`;
      lines.push(
        JSON.stringify({
          query,
          generation: `Findings on trend ${i} are mixed [1].\n\nReferences\n[1] Survey ${i} – https://data.example.gov/survey/${i}`,
          label: 0,
        }),
        JSON.stringify({ query, generation: `Trend ${i} is mostly noise, honestly.`, label: 1 }),
      );
    }
    lines.push(JSON.stringify({ query: "q", generation: "logged, not labelled", label: null }));
    const data = join(dir, "mine.jsonl");
    writeFileSync(data, `${lines.join("\n")}\n`);
    const run = async (seed: string, out: string) => {
      const t = io();
      const args = ["train-discriminator", "--data", data, "--examples", "200", "--seed", seed, "--out", out];
      expect(await main(args, t.value)).toBe(0);
      return { text: t.out.join("\n"), model: readFileSync(out, "utf8") };
    };
    const a = await run("5", join(dir, "a.json"));
    const b = await run("5", join(dir, "b.json"));
    const c = await run("6", join(dir, "c.json"));
    expect(a.model).toBe(b.model);
    expect(a.model).not.toBe(c.model);
    expect(a.text).toMatch(/held-out split of your data \(24 examples\):\n\s+accuracy \d\.\d{3}/);
    expect(a.text).toMatch(/held-out split of the generated data/);
    // Without the file the model is a different one.
    const t = io();
    const plain = join(dir, "plain.json");
    await main(["train-discriminator", "--examples", "200", "--seed", "5", "--out", plain], t.value);
    expect(readFileSync(plain, "utf8")).not.toBe(a.model);
    expect(t.out.join("\n")).toMatch(/held-out generated set/);
    // And it learned the file's texts: its own held-out split is classified well.
    const m = JSON.parse(a.model);
    const split = a.text.match(/your data[^\n]*\n\s+accuracy (\d\.\d{3})/);
    expect(Number(split![1])).toBeGreaterThan(0.9);
    expect(m.trainedOn.seed).toBe(5);
  });

  it("reports bad input clearly with exit code 2, and a failure at run time with 1", async () => {
    const t = io();
    expect(await main(["frobnicate"], t.value)).toBe(2);
    expect(t.err[0]).toMatch(/unknown command "frobnicate"/);
    expect(await main(["train-discriminator"], t.value)).toBe(2);
    expect(t.err[1]).toMatch(/--out FILE/);
    expect(await main(["--port", "eighty"], t.value)).toBe(2);
    expect(t.err[2]).toMatch(/--port must be a whole number/);
    // The flags are right; the file they name is missing: a run-time failure.
    expect(await main(["eval-discriminator", "--data", "/nonexistent.jsonl"], t.value)).toBe(1);
    expect(() => parseJsonl('{"query":"q"}\n', "d.jsonl")).toThrow(/d.jsonl:1 must be/);
    expect(() => parseJsonl('{"query":"q","generation":"g","label":null}\n', "d.jsonl")).toThrow(
      /no labelled examples/,
    );
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
    // A usable command line naming a wallet that is not there: a run-time failure (1), not a usage error (2).
    expect(code).toBe(1);
    expect(t.err[0]).toMatch(/nope/);
  });
});
