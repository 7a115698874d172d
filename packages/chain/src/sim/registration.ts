// Registration and stake: register_network, start_call, burned_register (with pruning when the subnet is full)
// and add_stake, with subtensor's checks and error names.
import { big, normalizeAddress, num, str } from "./call-args.js";
import type { CallArgs } from "./signing.js";
import {
  addStakeRaw,
  appendNeuron,
  type CallResult,
  fail,
  freshNeuron,
  type Neuron,
  neuronAt,
  newSubnet,
  ROOT_NETUID,
  type SimState,
  type Subnet,
  subnetOrThrow,
  tx,
  uidOf,
} from "./state.js";

export function registerNetwork(state: SimState, coldkey: string, args: CallArgs): CallResult {
  const hotkey = normalizeAddress(str(args, "hotkey"));
  if (state.block - state.lastNetworkRegistration < state.networkRateLimit)
    fail("NetworkTxRateLimitExceeded", `wait ${state.networkRateLimit} blocks between network registrations`);
  const owner = state.owners.get(hotkey);
  if (owner !== undefined && owner !== coldkey)
    fail("NonAssociatedColdKey", `hotkey ${hotkey} belongs to coldkey ${owner}`);
  // Netuids 0 (root) and 1 exist in a dev chain's genesis, so the first new subnet is 2.
  let netuid = 2;
  while (state.subnets.has(netuid)) netuid++;
  const sn = newSubnet(state, netuid, coldkey, hotkey);
  state.subnets.set(netuid, sn);
  state.lastNetworkRegistration = state.block;
  state.owners.set(hotkey, coldkey);
  appendNeuron(state, sn, hotkey, coldkey);
  return { ...tx(state, "NetworkAdded"), netuid };
}

export function startCall(state: SimState, who: string, args: CallArgs): CallResult {
  const netuid = num(args, "netuid");
  const sn = subnetOrThrow(state, netuid);
  if (sn.ownerColdkey !== who)
    fail("BadOrigin", `only the subnet owner coldkey ${sn.ownerColdkey} may start it`);
  if (sn.firstEmissionBlock !== null) fail("FirstEmissionBlockNumberAlreadySet");
  const allowedAt = sn.registeredAt + state.defaults.startCallDelay;
  if (state.block < allowedAt)
    fail(
      "NeedWaitingMoreBlocksToStarCall",
      `start_call is allowed from block ${allowedAt}; now ${state.block}`,
    );
  sn.firstEmissionBlock = state.block + 1;
  return tx(state, "FirstEmissionBlockNumberSet");
}

/** get_neuron_to_prune @ spec 293: lowest pruning score, earliest registration on ties, non-immune first. */
export function neuronToPrune(state: SimState, sn: Subnet): number | undefined {
  let best: Neuron | undefined;
  let bestImmune: Neuron | undefined;
  const better = (a: Neuron, b: Neuron | undefined) =>
    !b ||
    a.pruningScore < b.pruningScore ||
    (a.pruningScore === b.pruningScore && a.registeredAt < b.registeredAt);
  for (const nr of sn.neurons) {
    if (nr.hotkey === sn.ownerHotkey) continue;
    const immune = state.block < nr.registeredAt + sn.params.immunityPeriod;
    if (immune) {
      if (better(nr, bestImmune)) bestImmune = nr;
    } else if (better(nr, best)) best = nr;
  }
  return (best ?? bestImmune)?.uid;
}

export function burnedRegister(state: SimState, coldkey: string, args: CallArgs): CallResult {
  const netuid = num(args, "netuid");
  const hotkey = normalizeAddress(str(args, "hotkey"));
  if (netuid === 0) fail("RegistrationNotPermittedOnRootSubnet");
  const sn = subnetOrThrow(state, netuid);
  const p = sn.params;
  if (!p.registrationAllowed) fail("SubNetRegistrationDisabled");
  if (sn.registrationsThisBlock >= p.maxRegistrationsPerBlock)
    fail("TooManyRegistrationsThisBlock", `at most ${p.maxRegistrationsPerBlock} per block`);
  if (sn.registrationsThisInterval >= p.targetRegistrationsPerInterval * 3)
    fail(
      "TooManyRegistrationsThisInterval",
      `at most ${p.targetRegistrationsPerInterval * 3} per ${p.adjustmentInterval}-block interval`,
    );
  if (uidOf(sn, hotkey) !== undefined) fail("HotKeyAlreadyRegisteredInSubNet");
  const owner = state.owners.get(hotkey);
  if (owner !== undefined && owner !== coldkey)
    fail("NonAssociatedColdKey", `hotkey ${hotkey} belongs to coldkey ${owner}`);
  let uid: number;
  if (sn.neurons.length < p.maxAllowedUids) {
    uid = appendNeuron(state, sn, hotkey, coldkey);
  } else {
    const victim = neuronToPrune(state, sn);
    if (victim === undefined) fail("NoNeuronIdAvailable");
    uid = victim;
    const old = neuronAt(sn, uid);
    // replace_neuron leaves LastUpdate alone: the newcomer inherits the pruned neuron's last update.
    sn.neurons[uid] = { ...freshNeuron(state, uid, hotkey, coldkey), lastUpdate: old.lastUpdate };
    sn.weights.delete(uid);
    sn.bonds.delete(uid);
    sn.commits.delete(old.hotkey);
  }
  state.owners.set(hotkey, coldkey);
  sn.registrationsThisBlock += 1;
  sn.registrationsThisInterval += 1;
  return { ...tx(state, "NeuronRegistered"), uid };
}

export function addStake(state: SimState, _coldkey: string, args: CallArgs): CallResult {
  const hotkey = normalizeAddress(str(args, "hotkey"));
  const netuid = num(args, "netuid");
  const amount = big(args, "amountStaked");
  // netuid 0 is the root subnet: TAO staked there counts on every subnet at the TAO weight.
  if (netuid !== ROOT_NETUID) subnetOrThrow(state, netuid);
  if (!state.owners.has(hotkey))
    fail("HotKeyAccountNotExists", `hotkey ${hotkey} is not registered anywhere`);
  if (amount === 0n) fail("AmountTooLow", "stake must be > 0 rao");
  // Rao → alpha 1:1 (no subnet pool or slippage in SimChain).
  addStakeRaw(state, hotkey, netuid, amount);
  return tx(state, "StakeAdded");
}
