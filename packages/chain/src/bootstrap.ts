// Prepare a fresh subnet on any ChainClient: the localnet's SimChain, a dev subtensor, or a served SimChain.
import type { Clock, Signer } from "@apex/protocol";
import { systemClock } from "@apex/protocol";
import { type ChainClient, ChainError } from "./types.js";

/** Something with an address: a hotkey only has to be named to be registered. */
export interface HasAddress {
  readonly address: string;
}

export interface BootstrapOptions {
  /** The chain's sudo key (//Alice on dev chains). */
  sudo: Signer;
  owner: { coldkey: Signer; hotkey: HasAddress };
  validators: Array<{ coldkey: Signer; hotkey: HasAddress; stakeRao: bigint }>;
  miners: Array<{ coldkey: Signer; hotkey: HasAddress }>;
  /**
   * Fund every validator and miner coldkey from the sudo account first (rao), on chains that model balances.
   * Fresh wallets on a dev chain hold nothing and could not pay the registration burn or stake. Default 0.
   */
  fundRao?: bigint;
  /** Default 10. */
  tempo?: number;
  /** Default false. */
  commitReveal?: boolean;
  /** Default 0. */
  weightsRateLimit?: number;
  /** Moves the chain forward by n blocks (SimChain: produceBlocks). Without it, new blocks are awaited. */
  advanceBlocks?: (n: number) => Promise<void> | void;
  /** Wait (advance) until every validator holds a permit, i.e. one epoch after staking. Default true. */
  awaitPermits?: boolean;
  /** Used only to bound waits when no `advanceBlocks` is given. */
  clock?: Clock;
  /** Longest wait for one block when no `advanceBlocks` is given; default 30 s. */
  blockWaitMs?: number;
}

export interface BootstrapResult {
  netuid: number;
  uids: { owner: number; validators: number[]; miners: number[]; byHotkey: Record<string, number> };
}

/** Advance `n` blocks with the injected function, or wait for `n` new blocks on the chain. */
export async function waitBlocks(
  chain: ChainClient,
  n: number,
  opts: Pick<BootstrapOptions, "advanceBlocks" | "clock" | "blockWaitMs"> = {},
): Promise<void> {
  if (n <= 0) return;
  if (opts.advanceBlocks) {
    await opts.advanceBlocks(n);
    return;
  }
  const clock = opts.clock ?? systemClock;
  const target = (await chain.currentBlock()) + n;
  const perBlock = opts.blockWaitMs ?? 30_000;
  await new Promise<void>((resolve, reject) => {
    const ctrl = new AbortController();
    const unsubscribe = chain.onBlock((b) => {
      if (b >= target) {
        ctrl.abort();
        unsubscribe();
        resolve();
      }
    });
    clock.sleep(perBlock * (n + 1), ctrl.signal).then(
      () => {
        unsubscribe();
        reject(new ChainError("Timeout", `no block ${target} within ${perBlock * (n + 1)} ms`, "timeout"));
      },
      () => undefined,
    );
  });
}

async function retrying<T>(
  chain: ChainClient,
  opts: BootstrapOptions,
  waitable: string[],
  fn: () => Promise<T>,
  maxBlocks = 40,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ChainError) || !waitable.includes(err.chainError) || i >= maxBlocks) throw err;
      await waitBlocks(chain, 1, opts);
    }
  }
}

export async function bootstrapSubnet(chain: ChainClient, opts: BootstrapOptions): Promise<BootstrapResult> {
  const count = opts.validators.length + opts.miners.length;
  if (opts.fundRao && opts.fundRao > 0n && chain.transfer) {
    const funded = new Set<string>([opts.sudo.address]);
    for (const { coldkey } of [...opts.validators, ...opts.miners]) {
      if (funded.has(coldkey.address)) continue;
      funded.add(coldkey.address);
      const extra = opts.validators.find((v) => v.coldkey.address === coldkey.address)?.stakeRao ?? 0n;
      await chain.transfer(opts.sudo, coldkey.address, opts.fundRao + extra);
    }
  }
  await chain.sudo(opts.sudo, { call: "network_rate_limit", value: 0 });
  const { netuid } = await chain.registerNetwork(opts.owner.coldkey, opts.owner.hotkey.address);
  const sudo = (call: Parameters<ChainClient["sudo"]>[1]) => chain.sudo(opts.sudo, call);
  await sudo({ call: "tempo", netuid, value: opts.tempo ?? 10 });
  await sudo({ call: "commit_reveal_weights_enabled", netuid, value: opts.commitReveal ?? false });
  await sudo({ call: "weights_set_rate_limit", netuid, value: opts.weightsRateLimit ?? 0 });
  await sudo({ call: "target_registrations_per_interval", netuid, value: Math.max(2, count) });
  await sudo({ call: "max_registrations_per_block", netuid, value: Math.max(1, count) });
  await sudo({ call: "serving_rate_limit", netuid, value: 0 });
  // Room for everyone: past max_allowed_uids a registration would replace an earlier neuron.
  const { maxAllowedUids } = await chain.hyperparameters(netuid);
  if (count + 1 > maxAllowedUids) await sudo({ call: "max_allowed_uids", netuid, value: count + 1 });
  await retrying(chain, opts, ["NeedWaitingMoreBlocksToStarCall"], () =>
    chain.startCall(opts.owner.coldkey, netuid),
  );

  const byHotkey: Record<string, number> = { [opts.owner.hotkey.address]: 0 };
  const register = async (coldkey: Signer, hotkey: HasAddress) => {
    const { uid } = await retrying(
      chain,
      opts,
      ["TooManyRegistrationsThisBlock", "TooManyRegistrationsThisInterval"],
      () => chain.burnedRegister(coldkey, netuid, hotkey.address),
    );
    byHotkey[hotkey.address] = uid;
    return uid;
  };
  const validators: number[] = [];
  for (const v of opts.validators) {
    validators.push(await register(v.coldkey, v.hotkey));
    if (v.stakeRao > 0n) await chain.addStake(v.coldkey, v.hotkey.address, netuid, v.stakeRao);
  }
  const miners: number[] = [];
  for (const m of opts.miners) miners.push(await register(m.coldkey, m.hotkey));

  if ((opts.awaitPermits ?? true) && opts.validators.length > 0) {
    await waitForPermits(chain, netuid, validators, opts);
  }
  return { netuid, uids: { owner: 0, validators, miners, byHotkey } };
}

/** Advance block by block until each uid has a validator permit (at most two tempos). */
export async function waitForPermits(
  chain: ChainClient,
  netuid: number,
  uids: number[],
  opts: Pick<BootstrapOptions, "advanceBlocks" | "clock" | "blockWaitMs">,
): Promise<void> {
  const { tempo } = await chain.hyperparameters(netuid);
  for (let i = 0; i <= 2 * (tempo + 1) + 1; i++) {
    const mg = await chain.metagraph(netuid);
    if (uids.every((u) => mg.neurons[u]?.validatorPermit)) return;
    await waitBlocks(chain, 1, opts);
  }
  throw new ChainError(
    "NoValidatorPermit",
    `uids ${uids.join(",")} got no validator permit within two tempos`,
    "rpc",
  );
}
