// Throwaway dev keys for a local subnet, derived from fixed URIs so every run has the same addresses.
import type { Signer } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";

export interface NeuronKeys {
  coldkey: Signer;
  hotkey: Signer;
}

export const devKey = (uri: string): Promise<Signer> => devKeypair(uri);

export async function localnetKeys(validators: number, miners: number) {
  const sudo = await devKey("//Alice");
  const owner: NeuronKeys = { coldkey: sudo, hotkey: await devKey("//apex//owner//hot") };
  const validatorKeys: NeuronKeys[] = [];
  for (let i = 0; i < validators; i++) {
    validatorKeys.push({
      coldkey: await devKey(`//apex//validator${i}`),
      hotkey: await devKey(`//apex//validator${i}//hot`),
    });
  }
  // Miners share one coldkey, as an operator running many hotkeys would.
  const minerCold = await devKey("//apex//miners");
  const minerKeys: NeuronKeys[] = [];
  for (let i = 0; i < miners; i++)
    minerKeys.push({ coldkey: minerCold, hotkey: await devKey(`//apex//miner${i}//hot`) });
  return { sudo, owner, validators: validatorKeys, miners: minerKeys };
}
