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
  /**
   * Moves the chain forward by n blocks (SimChain: produceBlocks). Without it: the node's `dev_newBlock` when it
   * serves it (chopsticks), else new blocks are awaited.
   */
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

/**
 * How blocks move on `chain`: the injected `advanceBlocks` when given; else the node's own `dev_newBlock` when it
 * serves it (chopsticks, whose Instant mode builds a block only when an extrinsic arrives, so waiting would never
 * end); else undefined, and waits are for real blocks.
 */
export async function resolveAdvanceBlocks(
  chain: ChainClient,
  opts: Pick<BootstrapOptions, "advanceBlocks"> = {},
): Promise<BootstrapOptions["advanceBlocks"]> {
  if (opts.advanceBlocks) return opts.advanceBlocks;
  if (chain.devAdvanceBlocks && chain.supportsDevBlocks && (await chain.supportsDevBlocks())) {
    return (n) => chain.devAdvanceBlocks?.(n); // present: checked just above
  }
  return undefined;
}

/**
 * Advance `n` blocks with the injected function, or wait for `n` new blocks on the chain, for at most
 * `blockWaitMs` per block; `what` names what the blocks are for in the timeout error.
 */
export async function waitBlocks(
  chain: ChainClient,
  n: number,
  opts: Pick<BootstrapOptions, "advanceBlocks" | "clock" | "blockWaitMs"> = {},
  what = `${n} block${n === 1 ? "" : "s"}`,
): Promise<void> {
  if (n <= 0) return;
  if (opts.advanceBlocks) {
    await opts.advanceBlocks(n);
    return;
  }
  const clock = opts.clock ?? systemClock;
  const start = await chain.currentBlock();
  const target = start + n;
  const deadlineMs = (opts.blockWaitMs ?? 30_000) * (n + 1);
  let last = start;
  await new Promise<void>((resolve, reject) => {
    const ctrl = new AbortController();
    const unsubscribe = chain.onBlock((b) => {
      last = Math.max(last, b);
      if (b >= target) {
        ctrl.abort();
        unsubscribe();
        resolve();
      }
    });
    clock.sleep(deadlineMs, ctrl.signal).then(
      () => {
        unsubscribe();
        reject(
          new ChainError(
            "Timeout",
            `waited ${deadlineMs} ms for block ${target} (${what}) and the chain stayed at block ${last}` +
              (last === start
                ? "; it builds no blocks on its own (chopsticks in Instant mode?) and serves no dev_newBlock"
                : ""),
            "timeout",
          ),
        );
      },
      () => undefined,
    );
  });
}

async function retrying<T>(
  chain: ChainClient,
  opts: BootstrapOptions,
  what: string,
  waitable: string[],
  fn: () => Promise<T>,
  maxBlocks = 40,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ChainError) || !waitable.includes(err.chainError)) throw err;
      if (i >= maxBlocks) {
        throw new ChainError(
          err.chainError,
          `${what}: still refused after waiting ${maxBlocks} blocks (${err.message})`,
          err.kind,
        );
      }
      await waitBlocks(chain, 1, opts, `${what}, refused with ${err.chainError}`);
    }
  }
}

export async function bootstrapSubnet(
  chain: ChainClient,
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  const opts = { ...options, advanceBlocks: await resolveAdvanceBlocks(chain, options) };
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
  await retrying(chain, opts, `start_call on subnet ${netuid}`, ["NeedWaitingMoreBlocksToStarCall"], () =>
    chain.startCall(opts.owner.coldkey, netuid),
  );

  const byHotkey: Record<string, number> = { [opts.owner.hotkey.address]: 0 };
  const register = async (coldkey: Signer, hotkey: HasAddress) => {
    const { uid } = await retrying(
      chain,
      opts,
      `registering ${hotkey.address} on subnet ${netuid}`,
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

/** Advance block by block until each uid has a validator permit (at most two tempos and a block). */
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
    await waitBlocks(chain, 1, opts, `validator permits for uids ${uids.join(",")} on subnet ${netuid}`);
  }
  throw new ChainError(
    "NoValidatorPermit",
    `uids ${uids.join(",")} on subnet ${netuid} got no validator permit within ${2 * (tempo + 1) + 1} blocks`,
    "rpc",
  );
}
