// Miners the localnet did not write: someone else's process at a URL (--external-miner), or a command the
// localnet starts (--miner-cmd). The localnet registers a hotkey for each and announces its axon.
import { spawn } from "node:child_process";
import { axonParams, type SimChain } from "@apex/chain";
import { loadHotkey, resolveWalletRoot } from "@apex/wallet";
import type { RunOptions } from "./args.js";
import type { Closers, LocalnetIo, NeuronMeta } from "./handle.js";
import { devKey, type NeuronKeys } from "./keys.js";
import { LOOPBACK_ANNOUNCE } from "./miners.js";
import { type Relay, startRelay } from "./proxy.js";
import type { RunContext } from "./run-context.js";

export interface OutsideMinerKeys {
  /** One per --external-miner, in order. */
  external: NeuronKeys[];
  /** One per --miner-cmd, in order. */
  commands: NeuronKeys[];
}

/**
 * The keys the outside miners register with, before the subnet is bootstrapped. An outside miner gets a fresh dev
 * hotkey, or the hotkey of the wallet it names (--external-miner URL=W:H), registered under the localnet's own
 * coldkey (a SimChain charges no burn; the wallet's coldkey is not needed).
 */
export async function outsideMinerKeys(opts: RunOptions): Promise<OutsideMinerKeys> {
  const outsideCold = await devKey("//apex//external");
  const external: NeuronKeys[] = [];
  for (const [i, ext] of opts.externalMiners.entries()) {
    const hotkey = ext.wallet
      ? await loadHotkey({
          root: resolveWalletRoot(opts.walletPath ?? undefined),
          wallet: ext.wallet.name,
          hotkey: ext.wallet.hotkey,
        })
      : await devKey(`//apex//external${i}//hot`);
    external.push({ coldkey: outsideCold, hotkey });
  }
  const commands = await Promise.all(
    opts.minerCmds.map(async (_, i) => ({
      coldkey: await devKey("//apex//cmd"),
      hotkey: await devKey(`//apex//cmd${i}//hot`),
    })),
  );
  return { external, commands };
}

export interface OutsideMinersSetup {
  opts: RunOptions;
  chain: SimChain;
  /** Where the SimChain is served, passed to --miner-cmd processes (empty when it is not served). */
  chainUrl: string | null;
  netuid: number;
  keys: OutsideMinerKeys;
  context: RunContext;
  io: LocalnetIo;
  meta: Map<string, NeuronMeta>;
  closers: Closers;
}

/** The key made for the i-th outside miner of a kind (outsideMinerKeys makes one per miner). */
function keyFor<K extends { hotkey: unknown }>(keys: readonly K[], i: number, flag: string): K["hotkey"] {
  const key = keys[i];
  if (!key) throw new Error(`no hotkey was made for ${flag} #${i + 1}`);
  return key.hotkey;
}

/** Announces every --external-miner, then starts and announces every --miner-cmd. */
export async function startOutsideMiners(setup: OutsideMinersSetup): Promise<void> {
  const { opts, chain, netuid, context, meta, closers } = setup;
  // Outside miners: someone else's process at a URL; we register a hotkey for it and serve its axon.
  for (const [i, ext] of opts.externalMiners.entries()) {
    const hotkey = keyFor(setup.keys.external, i, "--external-miner");
    context.addOutsideMiner(hotkey.address);
    const url = new URL(ext.url);
    const relay = await announceFor(url.hostname, Number(url.port));
    const proxy = relay.relay;
    if (proxy) closers.push(() => proxy.close());
    await chain.serveAxon(hotkey, axonParams(netuid, relay.host, relay.port));
    meta.set(hotkey.address, { role: "external", strategy: ext.url });
    setup.io.out(
      `external miner ${ext.url} registered as ${hotkey.address} (axon ${relay.host}:${relay.port})`,
    );
  }

  // --miner-cmd: start the user's miner process with its port, wallet and network in the environment.
  for (const [i, cmd] of opts.minerCmds.entries()) {
    const hotkey = keyFor(setup.keys.commands, i, "--miner-cmd");
    context.addOutsideMiner(hotkey.address);
    const port = await freePort();
    const child = spawn(cmd, {
      shell: true,
      // Its own process group, so closing ends the shell and the miner it started.
      detached: true,
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env, // house-rule: env — passed through to the child miner, not read here
        // apex-miner's own names (BT_* for the chain, APEX_MINER_* for the rest), so it needs no flags here.
        APEX_MINER_PORT: String(port),
        APEX_MINER_HOTKEY_URI: `//apex//cmd${i}//hot`,
        APEX_MINER_HOTKEY_SS58: hotkey.address,
        BT_SUBTENSOR_NETWORK: "sim",
        BT_SUBTENSOR_CHAIN_ENDPOINT: setup.chainUrl ?? "",
        APEX_MINER_NETUID: String(netuid),
        // The localnet announces the axon for it (relayed from 127.0.0.2 when it listens on 127.0.0.1 only).
        APEX_MINER_SERVE_AXON: "false",
      },
    });
    closers.push(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    });
    await waitForPort("127.0.0.1", port, 15_000);
    const relay = await announceFor("127.0.0.1", port);
    const proxy = relay.relay;
    if (proxy) closers.push(() => proxy.close());
    await chain.serveAxon(hotkey, axonParams(netuid, relay.host, relay.port));
    // The program's name only: a command line can carry inline secrets (KEY=… python miner.py).
    meta.set(hotkey.address, { role: "external", strategy: `cmd: ${programName(cmd)}` });
  }
}

/** Where to announce a miner listening at host:port, relaying from 127.0.0.2 when it is on 127.0.0.1 only. */
async function announceFor(
  host: string,
  port: number,
): Promise<{ host: string; port: number; relay?: Relay }> {
  if (host !== "127.0.0.1" && host !== "localhost") return { host, port };
  try {
    const relay = await startRelay(LOOPBACK_ANNOUNCE, port, "127.0.0.1", port);
    return { host: LOOPBACK_ANNOUNCE, port, relay };
  } catch {
    // Port already taken on 127.0.0.2: the miner listens on all interfaces and is reachable there directly.
    return { host: LOOPBACK_ANNOUNCE, port };
  }
}

async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const net = await import("node:net");
  // Wall time on purpose: waiting for someone else's process to start listening, outside the subnet's time.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((done) => {
      const s = net.connect(port, host);
      s.once("connect", () => {
        s.destroy();
        done(true);
      });
      s.once("error", () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `--miner-cmd: nothing listens on ${host}:${port} after ${timeoutMs / 1000}s (use $APEX_MINER_PORT)`,
  );
}

/** The program a shell command runs, without its folder, arguments or leading VAR=value assignments. */
export function programName(cmd: string): string {
  const words = cmd.trim().split(/\s+/);
  const program = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) ?? "";
  return program.split("/").pop() || "(command)";
}
