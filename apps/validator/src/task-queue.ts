// The bounded queue between the round pipeline's producer and its consumers (upstream: an asyncio.Queue).

/** A bounded FIFO of task ids that consumers await. */
export class TaskQueue {
  private items: number[] = [];
  private waiters: Array<(v: number) => void> = [];
  constructor(private readonly bound: number) {}
  /** False when full (the task is dropped, as a bounded asyncio queue would block the producer). */
  push(v: number): boolean {
    const w = this.waiters.shift();
    if (w) {
      w(v);
      return true;
    }
    if (this.items.length >= this.bound) return false;
    this.items.push(v);
    return true;
  }
  take(signal: AbortSignal): Promise<number> {
    const v = this.items.shift();
    if (v !== undefined) return Promise.resolve(v);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((x) => x !== wake);
        reject(signal.reason);
      };
      const wake = (x: number) => {
        signal.removeEventListener("abort", onAbort);
        resolve(x);
      };
      if (signal.aborted) return reject(signal.reason);
      this.waiters.push(wake);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
  get length(): number {
    return this.items.length;
  }
}
