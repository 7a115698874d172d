// One notion of time per run. Every part inside the simulated subnet — the chain's blocks, the validators'
// cadences and deadlines, our miners' Epistula freshness window, replay cache, rate limiter and strategy
// budgets — is built from `clock`. Only what talks to processes outside the run keeps wall time: an outside miner
// (--external-miner, --miner-cmd) checks Epistula timestamps against its own wall clock, so requests to it are
// stamped from `wallClock`. Parts get their clock from here, never pick one themselves.
import { type Clock, systemClock, VirtualClock } from "@apex/protocol";

/** Where every virtual run starts (a fixed instant, so a seed replays the same stored times). */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1);

export class RunContext {
  /** The subnet's clock: a VirtualClock in a --virtual run, else the system clock. */
  readonly clock: Clock;
  /** Wall time, for Epistula stamps on requests to outside miners only. */
  readonly wallClock: Clock = systemClock;
  private readonly outsideMiners = new Set<string>();

  constructor(readonly virtual: boolean) {
    this.clock = virtual ? new VirtualClock(VIRTUAL_EPOCH_MS) : systemClock;
  }

  /** The virtual clock of a --virtual run (throws in real time: nothing may step the system clock). */
  get virtualClock(): VirtualClock {
    if (!(this.clock instanceof VirtualClock)) throw new Error("this run is on the system clock");
    return this.clock;
  }

  /** Marks a hotkey as a miner outside the run: requests to it are stamped with wall time. */
  addOutsideMiner(hotkey: string): void {
    this.outsideMiners.add(hotkey);
  }

  isOutsideMiner(hotkey: string): boolean {
    return this.outsideMiners.has(hotkey);
  }

  /** The clock whose time stamps a validator's request to this miner: the one that miner checks against. */
  stampClockFor(minerHotkey: string): Clock {
    return this.outsideMiners.has(minerHotkey) ? this.wallClock : this.clock;
  }

  /** Advances subnet time by `ms` in a virtual run; in real time, time moves by itself. */
  advance(ms: number): void {
    if (this.clock instanceof VirtualClock) this.clock.advance(ms);
  }
}
