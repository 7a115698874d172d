// isTopkNonzero's tie-break, which no test pinned (Stryker's a + b comparator mutant happens to sort these alike in V8).
import { describe, expect, it } from "vitest";
import { isTopkNonzero } from "../src/index.js";

describe("isTopkNonzero ties", () => {
  it("drops equal values lowest index first (a stable ascending sort), as subtensor's is_topk_nonzero", () => {
    expect(isTopkNonzero([5, 5, 5, 5], 2)).toEqual([false, false, true, true]);
    expect(isTopkNonzero([3, 5, 3, 5, 3], 3)).toEqual([false, true, false, true, true]);
  });
});
