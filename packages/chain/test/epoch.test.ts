// The epoch schedule against subtensor's own values. The expected numbers are the ones subtensor asserts for
// `blocks_until_next_epoch` in pallets/subtensor/src/tests/emission.rs and lists in the doc table above it in
// pallets/subtensor/src/coinbase/run_coinbase.rs (both @ f59e608b, spec ~293); see docs/upstream.md § "Epoch
// schedule". Subtensor's u64 wrap-around cases (block = u64::MAX) are left out: block numbers here are JS
// numbers.
import { describe, expect, it } from "vitest";
import { blocksUntilNextEpoch, epochIndex, firstBlockOfEpoch, isEpochBlock } from "../src/epoch.js";

describe("epoch schedule (subtensor blocks_until_next_epoch)", () => {
  it("never runs an epoch when tempo is 0", () => {
    expect(blocksUntilNextEpoch(1, 0, 100)).toBe(Number.MAX_SAFE_INTEGER);
    for (let block = 0; block < 50; block++) expect(isEpochBlock(1, 0, block)).toBe(false);
  });

  it("gives subtensor's values for regular, network-id, alignment and boundary cases", () => {
    // [netuid, tempo, block, blocks until the next epoch]
    const cases: Array<[number, number, number, number]> = [
      [1, 10, 5, 3],
      [2, 20, 15, 2],
      [3, 30, 25, 1],
      [2, 10, 5, 2],
      [3, 10, 5, 1],
      [1, 10, 9, 10],
      [2, 20, 21, 17],
      [65_535, 65_535, 0, 65_535],
      [1, 65_534, 100, 65_535 - 103],
    ];
    for (const [netuid, tempo, block, until] of cases) {
      expect(
        blocksUntilNextEpoch(netuid, tempo, block),
        `netuid ${netuid} tempo ${tempo} block ${block}`,
      ).toBe(until);
    }
  });

  it("puts the first epoch block where subtensor's table does", () => {
    // [tempo, netuid, first epoch block]
    const table: Array<[number, number, number]> = [
      [1, 0, 0],
      [1, 1, 1],
      [2, 0, 1],
      [2, 1, 0],
      [100, 0, 99],
      [100, 1, 98],
    ];
    for (const [tempo, netuid, first] of table) {
      expect(blocksUntilNextEpoch(netuid, tempo, 0)).toBe(first);
      expect(isEpochBlock(netuid, tempo, first)).toBe(true);
      for (let b = 0; b < first; b++) expect(isEpochBlock(netuid, tempo, b)).toBe(false);
    }
  });

  it("counts down by one per block and runs an epoch every tempo + 1 blocks", () => {
    const netuid = 1;
    const tempo = 10;
    let last = blocksUntilNextEpoch(netuid, tempo, 0);
    for (let block = 1; block < tempo - 1; block++) {
      const now = blocksUntilNextEpoch(netuid, tempo, block);
      expect(now).toBe(last - 1);
      last = now;
    }
    const epochBlocks = Array.from({ length: 60 }, (_, b) => b).filter((b) => isEpochBlock(2, 10, b));
    expect(epochBlocks).toEqual([7, 18, 29, 40, 51]);
  });

  it("moves the epoch index on the block after each epoch block, and finds that block again", () => {
    const netuid = 2;
    const tempo = 10;
    for (let block = 0; block < 100; block++) {
      const e = epochIndex(netuid, tempo, block);
      expect(epochIndex(netuid, tempo, block + 1)).toBe(isEpochBlock(netuid, tempo, block) ? e + 1 : e);
      expect(firstBlockOfEpoch(netuid, tempo, e)).toBeLessThanOrEqual(block);
      expect(firstBlockOfEpoch(netuid, tempo, e + 1)).toBeGreaterThan(block);
    }
  });
});
