import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardServer, serveDashboard } from "../src/dashboard/index.js";
import { FakeSource, HOSTILE, makeRound } from "./dashboard-fixtures.js";

// Real headless Chromium (Debian's package) against the real dashboard server. A must-run test (scripts/test.mjs):
// without the browser it FAILS saying so; `.ci/run` installs chromium when it is missing.
const CHROMIUM = "/usr/bin/chromium";
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const screenshotPath = join(repoRoot, "artifacts", "dashboard.png");

describe("dashboard in headless Chromium", () => {
  let browser: BrowserContext;
  let server: DashboardServer;
  let userDataDir: string;
  const source = new FakeSource();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    userDataDir = mkdtempSync(join(tmpdir(), "apex-dash-chromium-"));
    server = await serveDashboard({ source, port: 0, host: "127.0.0.1" });
    // playwright takes the temp profile dir as launchPersistentContext's argument (it refuses --user-data-dir).
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      viewport: { width: 1500, height: 1000 },
      headless: true,
      timeout: 30_000,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it("loads, fills the metagraph, shows pushed rounds live, renders hostile text inertly", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });

    await page.goto(server.url, { waitUntil: "load" });
    await page.waitForSelector("body[data-ready='1']", { timeout: 10_000 });

    // Chain head, epoch countdown and the metagraph table come from the snapshot.
    expect(await page.textContent("#block")).toBe("#120");
    expect(await page.textContent("#epoch")).toBe("7 blocks");
    const rows = page.locator("#metagraph-body tr");
    expect(await rows.count()).toBe(source.state.neurons.length);
    expect(await rows.nth(2).textContent()).toContain("learned");
    // The charts are drawn: one polyline per miner uid in each chart.
    expect(await page.locator("#chart-incentive polyline").count()).toBe(6);
    expect(await page.locator("#chart-weights polyline").count()).toBe(6);
    await page.waitForSelector("#live.on", { timeout: 10_000 });

    // A round pushed through SSE appears at the top of the feed, its hostile strings shown as text.
    const hostileRound = makeRound("r-hostile", {
      query: `Who wrote ${HOSTILE}?`,
      shownText: `${HOSTILE}<script>document.body.setAttribute('data-pwned','2')</script>`,
      discriminators: [
        { hotkey: HOSTILE, uid: 5, answer: HOSTILE, correct: false, score: 0, latencyMs: 42 },
        { hotkey: "5Disc1", uid: 2, answer: "1", correct: true, score: 1, latencyMs: 80 },
      ],
    });
    source.push({ type: "round", round: hostileRound });
    const first = page.locator("#rounds article").first();
    await expect.poll(() => first.getAttribute("data-round-id"), { timeout: 10_000 }).toBe("r-hostile");
    expect(await first.locator(".q").textContent()).toBe(`Who wrote ${HOSTILE}?`);
    expect(await first.textContent()).toContain("uid 2: 1 → 1.000");
    expect(await first.textContent()).toContain("1/2 correct");
    await first.locator("summary").click();
    expect(await first.locator(".shown").textContent()).toContain("<script>");
    // No element was created from miner text and nothing it carried ran.
    expect(await page.locator("#rounds img, #rounds script").count()).toBe(0);
    expect(await page.getAttribute("body", "data-pwned")).toBeNull();

    // Block events move the head and the countdown without a reload.
    source.push({ type: "block", block: 121, blocksUntilEpoch: 6 });
    await expect.poll(() => page.textContent("#block"), { timeout: 10_000 }).toBe("#121");
    expect(await page.textContent("#epoch")).toBe("6 blocks");

    // A new snapshot (an epoch passed) re-renders the table.
    const next = structuredClone(source.state);
    next.neurons = next.neurons.filter((n) => n.uid !== 7);
    source.push({ type: "snapshot", snapshot: next });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(next.neurons.length);

    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(existsSync(screenshotPath)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("fits the whole metagraph table, missing-answer counts included, in a 1400 px window", async () => {
    const snap = structuredClone(source.state);
    snap.neurons = snap.neurons.map((n) =>
      n.role === "owner"
        ? n
        : {
            ...n,
            strategy: n.role === "miner" ? "offline/heuristic" : n.strategy,
            axon: "127.0.0.2:43219",
            missing: n.uid === 3 ? { http_429: 12, timeout: 1 } : {},
          },
    );
    source.push({ type: "snapshot", snapshot: snap });
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(server.url, { waitUntil: "load" });
    await page.waitForSelector("body[data-ready='1']", { timeout: 10_000 });
    const row3 = page.locator("#metagraph-body tr").nth(3);
    await expect.poll(() => row3.textContent(), { timeout: 10_000 }).toContain("http_429×12 timeout×1");
    // (A string: the workspace compiles without DOM types.)
    const box = (await page.evaluate(`(() => {
      const wrap = document.querySelector(".tablewrap");
      const last = document.querySelector("#metagraph-body tr td:last-child").getBoundingClientRect();
      const w = wrap.getBoundingClientRect();
      return { scroll: wrap.scrollWidth, client: wrap.clientWidth, lastRight: last.right, wrapRight: w.right };
    })()`)) as { scroll: number; client: number; lastRight: number; wrapRight: number };
    // Every column, Axon last, inside the table's box: nothing clipped, no sideways scrolling needed.
    expect(box.scroll).toBeLessThanOrEqual(box.client);
    expect(box.lastRight).toBeLessThanOrEqual(box.wrapRight);
    await page.screenshot({ path: join(dirname(screenshotPath), "dashboard-1400.png") });
    await page.close();
  }, 60_000);
});
