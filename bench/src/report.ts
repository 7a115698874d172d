// What each benchmark hands back, and the machine it ran on.
import { readFileSync } from "node:fs";
import os from "node:os";

export interface Figure {
  /** The case measured, e.g. "verify on" or "1 M rows". */
  case: string;
  metric: string;
  /** Median of the samples. */
  value: number;
  unit: string;
  samples?: number[];
  baseline?: { name: string; value: number; samples?: number[] };
  /** value / baseline.value (or the inverse for "lower is better", see `ratioNote`). */
  ratio?: number;
  ratioNote?: string;
  target?: string;
  met?: boolean;
}

export interface BenchReport {
  name: string;
  /** The command that reproduces it. */
  command: string;
  figures: Figure[];
  /** Free-form lines: what bounds a missed target, what was installed, profiles written. */
  notes: string[];
  seconds: number;
}

export interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  os: string;
  totalMemGiB: number;
}

export function machineInfo(): Machine {
  let model = os.cpus()[0]?.model ?? "unknown";
  try {
    // os.cpus() shortens some models; /proc/cpuinfo has the full "model name".
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1]) model = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel: model,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

/** Resident set size of a process in MB, from /proc (Linux); NaN elsewhere. */
export function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
