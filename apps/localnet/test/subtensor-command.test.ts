// `apex-localnet subtensor`: the flags (always), and with APEX_SUBTENSOR_SPEC a real runtime that announces itself,
// builds blocks on its own at the asked cadence, and stops on the signal.
import { SubtensorClient } from "@apex/chain";
import { describe, expect, it } from "vitest";
import { parseSubtensor, UsageError } from "../src/args.js";
import { main } from "../src/cli.js";

const SPEC = process.env["APEX_SUBTENSOR_SPEC"];
console.info(
  SPEC
    ? `live subtensor command test: RUNS on ${SPEC}`
    : "live subtensor command test: skipped (set APEX_SUBTENSOR_SPEC to a subtensor chain spec)",
);

describe("subtensor flags", () => {
  it("defaults to the runtime's slot cadence; --block-time and --instant choose another", () => {
    expect(parseSubtensor(["--spec", "s.json"])).toEqual({
      spec: "s.json",
      fork: null,
      port: 9944,
      blocks: "slot",
    });
    expect(parseSubtensor(["--spec", "s.json", "--block-time", "500"]).blocks).toEqual({ blockTimeMs: 500 });
    expect(parseSubtensor(["--spec", "s.json", "--instant"]).blocks).toBe("instant");
  });

  it("--fork takes a ws URL and an optional block", () => {
    expect(
      parseSubtensor(["--fork", "wss://entrypoint-finney.opentensor.ai:443", "--block", "5000000"]),
    ).toMatchObject({
      spec: null,
      fork: { endpoint: "wss://entrypoint-finney.opentensor.ai:443", block: 5_000_000 },
    });
  });

  it.each([
    [[], /--spec FILE .* or --fork ENDPOINT/],
    [["--spec", "a", "--fork", "ws://x"], /not both/],
    [["--spec", "a", "--block", "3"], /--block goes with --fork/],
    [["--fork", "http://x"], /ws:\/\/ or wss:\/\//],
    [["--spec", "a", "--instant", "--block-time", "100"], /give one/],
    [["--spec", "a", "--block-time", "0"], /--block-time/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseSubtensor(argv as string[])).toThrow(UsageError);
    expect(() => parseSubtensor(argv as string[])).toThrow(message);
  });
});

describe.skipIf(!SPEC)("apex-localnet subtensor on a real runtime", () => {
  it("prints URL, runtime and spec version, builds blocks every --block-time, stops on the signal", async () => {
    const out: string[] = [];
    const ctrl = new AbortController();
    const port = 23944 + Math.floor(Math.random() * 1000);
    const exit = main(["subtensor", "--spec", SPEC!, "--port", String(port), "--block-time", "1000"], {
      stdout: (s) => out.push(s),
      stderr: () => undefined,
      env: {},
      signal: ctrl.signal,
    });
    const started = Date.now();
    while (!out.join("").includes("Ctrl-C")) {
      if (Date.now() - started > 180_000) throw new Error(`no start line within 180 s: ${out.join("")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const line = out.join("");
    expect(line).toMatch(
      new RegExp(`runtime node-subtensor, spec version \\d+, at ws://127\\.0\\.0\\.1:${port}`),
    );
    const client = new SubtensorClient({ endpoints: `ws://127.0.0.1:${port}`, rpcTimeoutMs: 60_000 });
    await client.connect();
    try {
      const first = await client.currentBlock();
      // Nobody submits anything: blocks must come from the interval alone (1 s each, generous margin).
      const deadline = Date.now() + 60_000;
      while ((await client.currentBlock()) < first + 2) {
        if (Date.now() > deadline) throw new Error(`no 2 blocks after #${first} within 60 s`);
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await client.close();
    }
    ctrl.abort();
    expect(await exit).toBe(0);
    expect(out.join("")).toContain("subtensor runtime stopped");
  }, 300_000);
});
