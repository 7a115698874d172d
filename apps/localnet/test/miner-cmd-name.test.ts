// Attack 8 (security.md §7): --miner-cmd's command line can carry inline secrets; the dashboard and reports show
// the program's name only.
import { describe, expect, it } from "vitest";
import { programName } from "../src/outside-miners.js";

describe("--miner-cmd is published as its program name only", () => {
  it("drops folders, arguments and VAR=value assignments", () => {
    expect(programName("OPENAI_API_KEY=sk-secret python3 /home/me/miner.py --key sk-2")).toBe("python3");
    expect(programName("  /usr/local/bin/my-miner --token abc ")).toBe("my-miner");
    expect(programName("A=1 B=2 ./run.sh")).toBe("run.sh");
    expect(programName("KEY=only")).toBe("(command)");
  });
});

describe("the dashboard refuses rebound hosts and foreign origins", () => {
  it("403 for Host evil.example or a cross-site Origin; the page's own requests pass", async () => {
    const { buildDashboardApp } = await import("../src/dashboard/server.js");
    const source = { snapshot: async () => ({ ok: true }) } as unknown as Parameters<
      typeof buildDashboardApp
    >[0]["source"];
    const app = buildDashboardApp({ source });
    const get = (headers: Record<string, string>) => app.inject({ url: "/api/snapshot", headers });
    expect((await get({ host: "rebind.evil.example:8787" })).statusCode).toBe(403);
    expect((await get({ host: "127.0.0.1:8787", origin: "https://evil.example" })).statusCode).toBe(403);
    expect((await get({ host: "127.0.0.1:8787", origin: "http://127.0.0.1:8787" })).statusCode).toBe(200);
    await app.close();
  });
});
