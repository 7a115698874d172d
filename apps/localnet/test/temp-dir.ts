// `it` with a `tmpDir` fixture: a fresh temp directory per test, removed when the test ends, pass or fail.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it as base } from "vitest";

export const it = base.extend<{ tmpDir: string }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  tmpDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), "apex-test-"));
    try {
      await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
