// Dev keys for the hardening tests (sr25519, ss58 42), from //URIs so every run signs with the same accounts.
import { epistulaReady } from "../../packages/protocol/src/index.js";
import { devKeypair } from "../../packages/wallet/src/index.js";

export type Key = Awaited<ReturnType<typeof devKeypair>>;

export async function keys<const N extends string>(...names: N[]): Promise<Record<N, Key>> {
  await epistulaReady();
  const out = {} as Record<N, Key>;
  for (const n of names) out[n] = await devKeypair(`//Hardening/${n}`);
  return out;
}
