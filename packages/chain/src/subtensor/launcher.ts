// Runs a real subtensor runtime locally, offline, inside @acala-network/chopsticks, from a chain spec the user
// supplies (docs/upstream.md § Local subtensor runtime). Three fixes make the stock chopsticks work with subtensor:
//  1. plain specs → raw genesis through the runtime's own GenesisBuilder (chopsticks only reads raw specs);
//  2. the Aura slot-duration probe fails (missing bls12_381 host functions), so we run it ourselves with
//     unresolved imports allowed and seed chopsticks' memo;
//  3. Timestamp.Now is seeded slot-aligned so block #1 cannot straddle a slot boundary.
// chopsticks is loaded lazily and installed only where this command runs: a dev dependency of @apex/chain in the
// checkout, an install the error below asks for next to a packed apex-localnet (docs/install.md).
import { readFile } from "node:fs/promises";
import { type Clock, systemClock } from "@apex/protocol";
import { ChainError } from "../types.js";

/** twox128("Timestamp") ++ twox128("Now"). */
const TIMESTAMP_NOW_KEY = "0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb";
const CODE_KEY = "0x3a636f6465";

export interface SubtensorLocalOptions {
  /** Path of a chain spec (plain with runtimeGenesis {code, patch}, or raw). Never commit one. */
  specPath?: string;
  /**
   * Instead of a spec: fork a live chain at `endpoint` (chopsticks fetches state lazily from it), at `block`
   * (number or hash; default its head).
   */
  fork?: { endpoint: string; block?: number | string };
  /**
   * How blocks are built: "instant" (a block for each extrinsic, as chopsticks' Instant mode; `advanceBlocks` for
   * more), "slot" (every Aura slot of the runtime, the cadence a node of it keeps) or every `blockTimeMs` on the
   * clock; on an interval, extrinsics wait in the pool for the next block. Default "instant".
   */
  blocks?: "instant" | "slot" | { blockTimeMs: number };
  /** WebSocket port (default 9944). */
  port?: number;
  host?: string;
  /** Time source for the slot-aligned genesis timestamp (default: system clock). */
  clock?: Clock;
}

export interface SubtensorLocal {
  url: string;
  /** spec_name and spec_version, e.g. "node-subtensor 293". */
  runtime: string;
  specName: string;
  specVersion: number;
  /** "instant" or the interval blocks are built on. */
  blocks: "instant" | { blockTimeMs: number };
  /** spec_version-independent facts worth logging. */
  slotDurationMs: number;
  /** Builds `n` blocks now (chopsticks' newBlock, what `dev_newBlock` does): the scenarios' `advanceBlocks`. */
  advanceBlocks(n: number): Promise<void>;
  close(): Promise<void>;
}

type Top = Record<string, string>;
interface RawSpec {
  genesis: { raw: { top: Top; childrenDefault: Record<string, unknown> } };
  [k: string]: unknown;
}
type TaskResult =
  | { Call: { result: string; storageDiff: Array<[string, string | null]> } }
  | { Error: string };
interface ChopsticksModule {
  runTask(task: Record<string, unknown>, handler?: Record<string, unknown>): Promise<TaskResult>;
  emptyTaskHandler: Record<string, unknown>;
  getAuraSlotDuration: { cache: { set(key: unknown, value: unknown): void } };
  setupWithServer(argv: Record<string, unknown>): Promise<{
    addr: string;
    chain: {
      newBlock(): Promise<unknown>;
      head: {
        wasm: Promise<string>;
        get(key: string): Promise<string | undefined>;
        runtimeVersion: Promise<{ specName: string; specVersion: number }>;
      };
    };
    close(): Promise<void>;
  }>;
}

async function loadChopsticks(): Promise<ChopsticksModule> {
  const name = "@acala-network/chopsticks";
  try {
    return (await import(/* @vite-ignore */ name)) as ChopsticksModule;
  } catch (error) {
    throw new ChainError(
      "ChopsticksMissing",
      `apex-localnet subtensor needs ${name}@1.5.1 (Node >= 22), which is not installed ` +
        `(${error instanceof Error ? error.message : String(error)}). It is left out of the miner's, the ` +
        `validator's and apex-localnet's own installs (it brings axios, typeorm and a native sqlite3 for this ` +
        `one command). Next to an apex-localnet installed with npm -g: \`npm install -g ${name}@1.5.1\`; in ` +
        `the apex-ts checkout \`npm run setup\` installs it (a dev dependency of @apex/chain).`,
      "transport",
    );
  }
}

function scaleBytes(bytes: Uint8Array): string {
  const n = bytes.length;
  let prefix: Uint8Array;
  if (n < 1 << 6) prefix = Uint8Array.of(n << 2);
  else if (n < 1 << 14) prefix = Uint8Array.of(((n << 2) | 1) & 0xff, n >> 6);
  else {
    prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setUint32(0, ((n << 2) | 2) >>> 0, true);
  }
  return `0x${Buffer.from(prefix).toString("hex")}${Buffer.from(bytes).toString("hex")}`;
}

/** Decodes a SCALE `Option<Vec<u8>>` (hex). */
function decodeOptionBytes(hex: string): Uint8Array | null {
  const buf = Buffer.from(hex.replace(/^0x/, ""), "hex");
  if (buf[0] === 0) return null;
  // A missing byte reads as 0, which is what `& 3` and `>> 2` made of undefined.
  const compactByte = buf[1] ?? 0;
  const mode = compactByte & 3;
  let len: number;
  let at: number;
  if (mode === 0) [len, at] = [compactByte >> 2, 2];
  else if (mode === 1) [len, at] = [buf.readUInt16LE(1) >> 2, 3];
  else if (mode === 2) [len, at] = [buf.readUInt32LE(1) >>> 2, 5];
  else throw new Error("genesis preset too large");
  return buf.subarray(at, at + len);
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    base && typeof base === "object" && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(out[k], v);
  return out;
}

type Storage = Top | ((key: string) => Promise<string | undefined>);

function storageHandler(cs: ChopsticksModule, storage: Storage) {
  if (typeof storage === "function") return { ...cs.emptyTaskHandler, getStorage: storage };
  const keys = Object.keys(storage).sort();
  return {
    ...cs.emptyTaskHandler,
    getStorage: async (key: string) => storage[key],
    getNextKey: async (prefix: string, key: string) => keys.find((k) => k > key && k.startsWith(prefix)),
  };
}

async function call(cs: ChopsticksModule, wasm: string, method: string, arg: string, top: Storage = {}) {
  const result = await cs.runTask(
    {
      wasm,
      calls: [[method, [arg]]],
      mockSignatureHost: false,
      allowUnresolvedImports: true,
      runtimeLogLevel: 0,
    },
    storageHandler(cs, top),
  );
  if ("Error" in result) throw new ChainError("RuntimeCallFailed", `${method}: ${result.Error}`, "rpc");
  return result.Call;
}

/** Plain chain spec → raw spec, by running the runtime's GenesisBuilder (get_preset(None) ⊕ patch → build_state). */
export async function plainSpecToRaw(spec: Record<string, unknown>): Promise<RawSpec> {
  const genesis = spec["genesis"] as Record<string, unknown> | undefined;
  if ((genesis?.["raw"] as { top?: Top } | undefined)?.top) return spec as unknown as RawSpec;
  const rg = genesis?.["runtimeGenesis"] as { code?: string; patch?: unknown; config?: unknown } | undefined;
  if (!rg?.code) {
    throw new ChainError(
      "BadChainSpec",
      "the chain spec has neither genesis.raw.top nor genesis.runtimeGenesis.code; pass a subtensor chain spec",
      "rpc",
    );
  }
  const cs = await loadChopsticks();
  const preset = await call(cs, rg.code, "GenesisBuilder_get_preset", "0x00");
  const presetJson = decodeOptionBytes(preset.result);
  const base: unknown = presetJson ? JSON.parse(Buffer.from(presetJson).toString("utf8")) : {};
  const merged = rg.config ?? deepMerge(base, rg.patch ?? {});
  const built = await call(
    cs,
    rg.code,
    "GenesisBuilder_build_state",
    scaleBytes(new TextEncoder().encode(JSON.stringify(merged))),
  );
  const top: Top = {};
  for (const [k, v] of built.storageDiff) if (v !== null) top[k] = v;
  top[CODE_KEY] = rg.code;
  return { ...spec, genesis: { raw: { top, childrenDefault: {} } } };
}

/** The runtime's Aura slot (ms), run with unresolved imports allowed, seeded into chopsticks' memo for that code. */
async function seedSlotDuration(cs: ChopsticksModule, code: string, storage: Storage): Promise<number> {
  const slot = await call(cs, code, "AuraApi_slot_duration", "0x", storage);
  const slotMs = Number(Buffer.from(slot.result.replace(/^0x/, ""), "hex").readBigUInt64LE(0));
  cs.getAuraSlotDuration.cache.set(code, Promise.resolve(slotMs));
  return slotMs;
}

async function readSpec(specPath: string): Promise<RawSpec> {
  let text: string;
  try {
    text = await readFile(specPath, "utf8");
  } catch (error) {
    throw new ChainError("BadChainSpec", `cannot read chain spec ${specPath}: ${String(error)}`, "transport");
  }
  return plainSpecToRaw(JSON.parse(text) as Record<string, unknown>);
}

/**
 * Starts chopsticks on the spec (or a fork of a live chain); resolves when the WebSocket endpoint answers, with the
 * runtime's name and spec version read from the served head.
 */
export async function runSubtensorLocal(options: SubtensorLocalOptions): Promise<SubtensorLocal> {
  if (Boolean(options.specPath) === Boolean(options.fork)) {
    throw new ChainError("BadChainSpec", "give exactly one of a chain spec path and a fork endpoint", "rpc");
  }
  const asked = options.blocks ?? "instant";
  if (typeof asked === "object" && !(Number.isFinite(asked.blockTimeMs) && asked.blockTimeMs > 0)) {
    throw new RangeError(`block time must be > 0 ms, got ${asked.blockTimeMs}`);
  }
  const clock = options.clock ?? systemClock;
  const raw = options.specPath ? await readSpec(options.specPath) : null;
  const cs = await loadChopsticks();
  let slotMs = 0;
  if (raw) {
    const top = raw.genesis.raw.top;
    const code = top[CODE_KEY];
    if (!code) throw new ChainError("BadChainSpec", "the raw genesis has no :code", "rpc");
    slotMs = await seedSlotDuration(cs, code, top);
    if (!top[TIMESTAMP_NOW_KEY]) {
      const le = Buffer.alloc(8);
      le.writeBigUInt64LE(BigInt(Math.floor(clock.now() / slotMs) * slotMs));
      top[TIMESTAMP_NOW_KEY] = `0x${le.toString("hex")}`;
    }
  }
  const server = await cs.setupWithServer({
    // Without a spec there is a fork (exactly one of the two is checked above).
    ...(raw ? { genesis: raw } : { endpoint: options.fork?.endpoint, block: options.fork?.block }),
    port: options.port ?? 9944,
    host: options.host ?? "127.0.0.1",
    // On an interval we build the blocks ourselves; chopsticks only builds when asked.
    "build-block-mode": asked === "instant" ? "Instant" : "Manual",
    "allow-unresolved-imports": true,
    "runtime-log-level": 0,
  });
  try {
    if (!raw) {
      const head = server.chain.head;
      slotMs = await seedSlotDuration(cs, await head.wasm, (key) => head.get(key));
    }
    const version = await server.chain.head.runtimeVersion;
    const blocks: SubtensorLocal["blocks"] =
      asked === "slot" ? { blockTimeMs: slotMs } : asked === "instant" ? "instant" : asked;
    // One block at a time: the interval builder and advanceBlocks share this queue.
    let building: Promise<unknown> = Promise.resolve();
    const newBlock = () => {
      const next = building.then(() => server.chain.newBlock());
      building = next.catch(() => undefined);
      return next;
    };
    const stop = new AbortController();
    let ticking: Promise<void> = Promise.resolve();
    if (typeof blocks === "object") {
      ticking = (async () => {
        // Start to start: a block that took long to build shortens the pause before the next one.
        let due = clock.now() + blocks.blockTimeMs;
        while (!stop.signal.aborted) {
          await clock.sleep(Math.max(0, due - clock.now()), stop.signal).catch(() => undefined);
          if (stop.signal.aborted) break;
          await newBlock().catch(() => undefined);
          due = Math.max(due + blocks.blockTimeMs, clock.now());
        }
      })();
    }
    const advanceBlocks = async (n: number) => {
      if (!Number.isInteger(n) || n < 0)
        throw new RangeError(`block count must be a whole number ≥ 0, got ${n}`);
      for (let i = 0; i < n; i++) await newBlock();
    };
    return {
      url: `ws://${server.addr}`,
      runtime: `${version.specName} ${version.specVersion}`,
      specName: version.specName,
      specVersion: version.specVersion,
      blocks,
      slotDurationMs: slotMs,
      advanceBlocks,
      close: async () => {
        stop.abort();
        await ticking;
        await building;
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
