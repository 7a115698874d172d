// The report of a localnet run on a real subtensor runtime (real-run.ts): the localnet report plus what the chain
// was and where it behaved differently from SimChain, written as JSON and Markdown.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type LocalnetReport, renderMarkdown } from "./report.js";

/** What the report says about the chain the run was on. */
export interface RealChainReport {
  network: string;
  /** spec_name and spec_version, e.g. "node-subtensor 293". */
  runtime: string;
  specVersion: number | null;
  /** "chopsticks from <spec file> (a block every N ms)" or "node at ws://…". */
  how: string;
  blockTimeMs: number;
  /** Whether the run built blocks with dev_newBlock where it had to wait (bootstrap, the final epoch). */
  devBlocks: boolean;
  /** SubtensorModule.Incentive of the subnet at the end, read from storage (ratio per uid). */
  incentiveFromStorage: number[];
  /** Where this runtime behaves differently from SimChain, as seen in this run. */
  differences: string[];
}

export type RealRunReport = LocalnetReport & { chain: RealChainReport };

/** The differences from SimChain this run met, in words for the report and the terminal. */
export function describeDifferences(o: {
  blockTimeMs: number;
  simBlockTimeMs: number;
  validatorStakeTao: number;
  validatorAlpha: number;
  devBlocks: boolean;
  epochEmission: number;
}): string[] {
  return [
    `block time: ${o.blockTimeMs} ms, the runtime's own (SimChain in this run's mode: ${o.simBlockTimeMs} ms); ` +
      "rounds and weight intervals follow it",
    `stake: ${o.validatorStakeTao} TAO per validator became ${o.validatorAlpha.toFixed(3)} alpha through the ` +
      "subnet pool (SimChain stakes 1:1)",
    `emission: ${o.epochEmission.toFixed(6)} alpha paid at the last epoch, set by the subnet pool and the ` +
      "runtime's issuance (SimChain: a fixed 1 alpha per block); compare shares, not amounts",
    "rate limits: serving and weights rate limits set to 0 and registration limits raised by sudo, commit-reveal " +
      "off (the runtime's defaults: on, 100 blocks); calls count from the block that includes them (SimChain: " +
      "the current block)",
    o.devBlocks
      ? "blocks: bootstrap and the final epoch were built on request with dev_newBlock (chopsticks)"
      : "blocks: every wait was for the node's own blocks",
  ];
}

/** The report as JSON at `path`, and as Markdown (with a Chain section) next to it. */
export function writeRealReport(path: string, report: RealRunReport) {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  const md = path.endsWith(".json") ? `${path.slice(0, -5)}.md` : `${path}.md`;
  const c = report.chain;
  writeFileSync(
    md,
    `${renderMarkdown(report)}\n## Chain\n\n${c.runtime} (spec version ${c.specVersion ?? "?"}), ${c.how}.\n\n` +
      `Where it differs from SimChain:\n\n${c.differences.map((d) => `- ${d}`).join("\n")}\n`,
  );
}
