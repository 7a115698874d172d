import { blocksUntilNextEpoch } from "@apex/chain";
import { type Clock, systemClock } from "@apex/protocol";
import type {
  DashboardAnswer,
  DashboardEvent,
  DashboardHistoryPoint,
  DashboardNeuron,
  DashboardRound,
  DashboardSnapshot,
  DashboardSource,
  NeuronRole,
} from "./types.js";
import { MAX_DASHBOARD_ROUNDS } from "./types.js";

// A DashboardSource that needs nothing but a validator's `/api/status` URL, so the dashboard can watch any
// running apex-validator (ours on a real chain, or inside the localnet). The status JSON is read leniently:
// unknown fields are ignored, missing ones default, and every string stays a string (the page escapes them).

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<FetchResponseLike>;
export interface FetchResponseLike {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

export interface ValidatorStatusSourceOptions {
  /** Poll interval while someone is subscribed. Default 2000 ms. */
  pollMs?: number;
  /** Per-request timeout. Default 5000 ms. */
  timeoutMs?: number;
  /** Chart points kept. Default 600. */
  maxHistory?: number;
  clock?: Clock;
}

type Json = Record<string, unknown>;

function obj(x: unknown): Json {
  return x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Json) : {};
}
function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}
function num(x: unknown, fallback = 0): number {
  const n = typeof x === "number" ? x : typeof x === "string" && x.trim() !== "" ? Number(x) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
}
function str(x: unknown, fallback = ""): string {
  return typeof x === "string" ? x : typeof x === "number" ? String(x) : fallback;
}

const ROLES: readonly NeuronRole[] = ["owner", "validator", "miner", "external"];

function toAnswer(x: unknown): DashboardAnswer {
  const a = obj(x);
  const answer = a["answer"];
  return {
    hotkey: str(a["hotkey"]),
    uid: num(a["uid"], -1),
    answer: answer === null || answer === undefined ? null : str(answer),
    correct: a["correct"] === true,
    score: num(a["score"]),
    latencyMs: num(a["latencyMs"]),
  };
}

function toRound(x: unknown, index: number): DashboardRound {
  const r = obj(x);
  const kind = r["kind"] === "generator" ? "generator" : "reference";
  return {
    id: str(r["id"], `round-${index}`),
    createdAt: num(r["createdAt"]),
    kind,
    groundTruth: num(r["groundTruth"]) === 1 ? 1 : 0,
    query: str(r["query"]),
    shownText: str(r["shownText"]),
    generatorHotkey: kind === "generator" ? str(r["generatorHotkey"]) : "",
    generatorScore: num(r["generatorScore"]),
    discriminators: arr(r["discriminators"]).map(toAnswer),
  };
}

function axonText(x: unknown): string | undefined {
  if (typeof x === "string") return x || undefined;
  const a = obj(x);
  if (a["ip"] === undefined) return undefined;
  const ip = str(a["ip"]);
  const port = num(a["port"]);
  if (!ip || ip === "0.0.0.0" || port === 0) return undefined;
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** uid → weight normalised to sum 1 (works for u16 and float vectors alike). */
export function normaliseWeights(uids: readonly unknown[], weights: readonly unknown[]): Map<number, number> {
  const out = new Map<number, number>();
  let total = 0;
  uids.forEach((u, i) => {
    const w = Math.max(0, num(weights[i]));
    total += w;
    out.set(num(u, -1), w);
  });
  if (total > 0) for (const [u, w] of out) out.set(u, w / total);
  return out;
}

/**
 * Turns one `/api/status` body into a snapshot (pure). `history` is the chart history so far; the caller
 * appends the returned point when the chain head moved.
 */
export function snapshotFromValidatorStatus(
  status: unknown,
  history: readonly DashboardHistoryPoint[],
  nowMs: number,
): { snapshot: DashboardSnapshot; point: DashboardHistoryPoint } {
  const s = obj(status);
  const metagraph = obj(s["metagraph"]);
  const block = num(s["block"], num(metagraph["block"]));
  const netuid = num(s["netuid"], num(metagraph["netuid"]));
  const tempo = num(s["tempo"], num(obj(s["hyperparameters"])["tempo"]));
  const rounds = arr(s["rounds"] ?? s["recentRounds"])
    .map(toRound)
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, MAX_DASHBOARD_ROUNDS);

  const last = obj(s["lastWeightSubmission"]);
  const weights = normaliseWeights(arr(last["uids"]), arr(last["weights"]));
  const totals = obj(s["windowTotals"]);
  const ownHotkey = str(s["hotkey"]);

  // Neurons: the metagraph if the status carries one; otherwise whoever the validator has seen.
  const byUid = new Map<number, DashboardNeuron>();
  for (const x of arr(s["neurons"] ?? metagraph["neurons"])) {
    const n = obj(x);
    const uid = num(n["uid"], -1);
    if (uid < 0) continue;
    const hotkey = str(n["hotkey"]);
    // On a small subnet every neuron holds a validator permit, so a permit alone does not make a validator:
    // it takes stake too (miners hold none on a localnet), or being the validator we are watching.
    const role = ROLES.includes(n["role"] as NeuronRole)
      ? (n["role"] as NeuronRole)
      : hotkey === ownHotkey || (n["validatorPermit"] === true && num(n["stake"]) > 0)
        ? "validator"
        : "miner";
    const strategy = typeof n["strategy"] === "string" ? n["strategy"] : undefined;
    const axon = axonText(n["axon"]);
    byUid.set(uid, {
      uid,
      hotkey,
      role,
      ...(strategy !== undefined ? { strategy } : {}),
      stake: num(n["stake"]),
      incentive: num(n["incentive"]),
      dividends: num(n["dividends"]),
      emission: num(n["emission"]),
      weight: 0,
      windowReward: 0,
      ...(axon !== undefined ? { axon } : {}),
    });
  }
  const hotkeyToUid = new Map<string, number>();
  for (const n of byUid.values()) hotkeyToUid.set(n.hotkey, n.uid);
  for (const r of rounds) for (const d of r.discriminators) if (d.uid >= 0) hotkeyToUid.set(d.hotkey, d.uid);
  const ensure = (uid: number, hotkey: string): DashboardNeuron => {
    let n = byUid.get(uid);
    if (!n) {
      n = {
        uid,
        hotkey,
        role: "miner",
        stake: 0,
        incentive: 0,
        dividends: 0,
        emission: 0,
        weight: 0,
        windowReward: 0,
      };
      byUid.set(uid, n);
    }
    return n;
  };
  for (const [hotkey, total] of Object.entries(totals)) {
    const uid = hotkeyToUid.get(hotkey);
    if (uid !== undefined) ensure(uid, hotkey).windowReward = num(total);
  }
  for (const [uid, w] of weights) if (uid >= 0) ensure(uid, byUid.get(uid)?.hotkey ?? "").weight = w;
  // Answers that did not arrive, by hotkey and reason (apex-validator's /api/status "missing").
  for (const [hotkey, byReason] of Object.entries(obj(s["missing"]))) {
    const uid = hotkeyToUid.get(hotkey);
    if (uid === undefined) continue;
    const counts: Record<string, number> = {};
    for (const [reason, n] of Object.entries(obj(byReason))) counts[reason] = num(n);
    ensure(uid, hotkey).missing = counts;
  }

  const neurons = [...byUid.values()].sort((a, b) => a.uid - b.uid);
  const point: DashboardHistoryPoint = {
    block,
    time: nowMs,
    incentive: Object.fromEntries(neurons.map((n) => [n.uid, n.incentive])),
    weights: Object.fromEntries(neurons.map((n) => [n.uid, n.weight])),
  };
  const blocksUntilEpoch =
    s["blocksUntilEpoch"] !== undefined
      ? num(s["blocksUntilEpoch"])
      : tempo > 0
        ? blocksUntilNextEpoch(netuid, tempo, block)
        : 0;
  return {
    snapshot: {
      network: str(s["network"], "unknown"),
      netuid,
      block,
      tempo,
      blocksUntilEpoch: Math.max(0, blocksUntilEpoch),
      neurons,
      rounds,
      history: [...history],
    },
    point,
  };
}

/** Polls a validator's `/api/status` JSON and presents it as a DashboardSource. */
export function validatorStatusSource(
  statusUrl: string,
  fetchImpl: FetchLike = globalThis.fetch as unknown as FetchLike,
  options: ValidatorStatusSourceOptions = {},
): DashboardSource {
  let parsed: URL;
  try {
    parsed = new URL(statusUrl);
  } catch {
    throw new Error(
      `--validator-status must be a URL like http://127.0.0.1:8000/api/status, got ${JSON.stringify(statusUrl)}`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new Error(`--validator-status must be an http(s) URL, got ${parsed.protocol}`);
  // apex-validator sends 20 recent rounds unless asked; the page keeps up to MAX_DASHBOARD_ROUNDS.
  if (!parsed.searchParams.has("limit")) parsed.searchParams.set("limit", String(MAX_DASHBOARD_ROUNDS));
  const url = parsed.toString();
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 2_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxHistory = options.maxHistory ?? 600;
  const history: DashboardHistoryPoint[] = [];
  const listeners = new Set<(event: DashboardEvent) => void>();
  let loop: AbortController | undefined;

  async function read(): Promise<DashboardSnapshot> {
    let body: unknown;
    try {
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = await res.json();
    } catch (err) {
      throw new Error(
        `could not read the validator status at ${url}: ${err instanceof Error ? err.message : String(err)} ` +
          "(is apex-validator running with its status server on that address?)",
      );
    }
    const { snapshot, point } = snapshotFromValidatorStatus(body, history, clock.now());
    const prev = history[history.length - 1];
    if (!prev || point.block > prev.block) {
      history.push(point);
      if (history.length > maxHistory) history.splice(0, history.length - maxHistory);
    } else if (point.block === prev.block) {
      history[history.length - 1] = point; // same block: keep the freshest values
    }
    snapshot.history = [...history];
    return snapshot;
  }

  async function poll(signal: AbortSignal): Promise<void> {
    let last = "";
    while (!signal.aborted) {
      try {
        const snapshot = await read();
        const json = JSON.stringify({ ...snapshot, history: snapshot.history.length });
        if (json !== last) {
          last = json;
          for (const l of listeners) l({ type: "snapshot", snapshot });
        }
      } catch {
        // A validator restart is not fatal: keep polling, the page shows the last state.
      }
      await clock.sleep(pollMs, signal).catch(() => {});
    }
  }

  return {
    snapshot: read,
    subscribe(listener) {
      listeners.add(listener);
      if (!loop) {
        loop = new AbortController();
        void poll(loop.signal);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && loop) {
          loop.abort();
          loop = undefined;
        }
      };
    },
  };
}
