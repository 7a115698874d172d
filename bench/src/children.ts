// Child processes for the servers under test, so the load generator never shares their event loop.
import { type ChildProcess, fork, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** The first message the child sent (its port and whatever else it reports). */
  hello: Record<string, unknown>;
  stop(): Promise<void>;
}

/** Absolute path of a compiled bench entry (bench/dist/<name>.js). */
export function distEntry(name: string): string {
  const path = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  if (!existsSync(path))
    throw new Error(`${path} is missing: build the bench first (npm run bench builds it)`);
  return path;
}

function waitExit(proc: ChildProcess, ms: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      proc.kill("SIGKILL");
      resolve();
    }, ms);
    proc.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Forks bench/dist/<name>.js and waits for its first IPC message. */
export async function forkChild(
  name: string,
  args: string[],
  opts: { execArgv?: string[]; timeoutMs?: number } = {},
): Promise<Child> {
  const proc = fork(distEntry(name), args, {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: opts.execArgv ?? [],
  });
  const hello = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`${name} did not report ready within ${opts.timeoutMs ?? 60_000} ms`)),
      opts.timeoutMs ?? 60_000,
    );
    proc.once("message", (m) => {
      clearTimeout(t);
      resolve(m as Record<string, unknown>);
    });
    proc.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`${name} exited (code ${code}) before it was ready`));
    });
  });
  return {
    proc,
    pid: proc.pid!,
    hello,
    stop: async () => {
      proc.kill("SIGTERM");
      await waitExit(proc, 5_000);
    },
  };
}

/** Spawns any command that prints `listening <port>` on stdout once it serves. */
export async function spawnServer(cmd: string, args: string[], timeoutMs = 30_000): Promise<Child> {
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = "";
    const t = setTimeout(() => reject(new Error(`${cmd} ${args.join(" ")}: no "listening" line`)), timeoutMs);
    proc.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = /listening (\d+)/.exec(buf);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`${cmd} ${args.join(" ")} exited (code ${code}) before it listened`));
    });
  });
  proc.stdout!.resume();
  return {
    proc,
    pid: proc.pid!,
    hello: { port },
    stop: async () => {
      proc.kill("SIGTERM");
      await waitExit(proc, 5_000);
    },
  };
}

/** Asks a forked child something over IPC and waits for its answer. */
export function ask<T>(child: Child, msg: Record<string, unknown>, timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`child ${child.pid}: no answer to ${msg.type}`)), timeoutMs);
    child.proc.once("message", (m) => {
      clearTimeout(t);
      const r = m as { error?: string };
      if (r.error) reject(new Error(r.error));
      else resolve(m as T);
    });
    child.proc.send(msg);
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export async function cpuSeconds(pid: number): Promise<number> {
  try {
    const { readFileSync } = await import("node:fs");
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line (11 and 12 after the command).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
