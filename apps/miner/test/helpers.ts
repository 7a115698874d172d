// Test helpers: dev keys, signed requests and an app with known strategies.

import {
  encodeRequestBody,
  epistulaReady,
  type MinerRequest,
  signEpistula,
  type VirtualClock,
} from "@apex/protocol";
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { buildMinerApp, type MinerAppOptions } from "../src/app.js";
import { trustedSetPolicy } from "../src/policy.js";
import { constantDiscriminator } from "../src/strategies/discriminators.js";
import type { Generator } from "../src/strategies/types.js";

export interface Keys {
  miner: KeyringPair;
  validator: KeyringPair;
  stranger: KeyringPair;
}

export async function devKeys(): Promise<Keys> {
  await epistulaReady();
  const kr = new Keyring({ type: "sr25519", ss58Format: 42 });
  return {
    miner: kr.addFromUri("//MinerTest"),
    validator: kr.addFromUri("//Alice"),
    stranger: kr.addFromUri("//Eve"),
  };
}

export const fixedGenerator: Generator = { name: "fixed", generate: (q) => `answer to: ${q}` };

export function testApp(keys: Keys, clock: VirtualClock, over: Partial<MinerAppOptions> = {}) {
  return buildMinerApp({
    hotkey: keys.miner.address,
    verify: trustedSetPolicy([keys.validator.address]),
    generator: fixedGenerator,
    discriminator: constantDiscriminator("1"),
    clock,
    ...over,
  });
}

export function signed(
  signer: KeyringPair,
  body: string | MinerRequest,
  opts: { signedFor: string; nowMs: number; uuid?: string },
): { payload: string; headers: Record<string, string> } {
  const payload = typeof body === "string" ? body : encodeRequestBody(body);
  const headers = signEpistula(signer, payload, opts);
  return { payload, headers: { ...headers, "content-type": "application/json" } };
}
