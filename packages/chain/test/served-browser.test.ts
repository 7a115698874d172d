// Attack 8 (security.md §12): the served SimChain runs sudo calls signed with public dev keys, so a web page in the
// user's browser must not be able to reach it: a cross-origin `text/plain` POST (no preflight needed) and a
// rebound Host are refused before the body is read; our own client (JSON, no Origin) still works.
import { describe, expect, it } from "vitest";
import { browserRequestProblem, SimChain, serveSimChain } from "../src/index.js";

describe("the served SimChain refuses browser requests", () => {
  it("refuses a cross-origin text/plain POST, a foreign Origin and a rebound Host; serves its own client", async () => {
    const sim = new SimChain({ tempo: 10 });
    const served = await serveSimChain(sim, { port: 0 });
    try {
      const rpc = (headers: Record<string, string>) =>
        fetch(`${served.url}/rpc`, {
          method: "POST",
          headers,
          body: JSON.stringify({ method: "currentBlock" }),
        });
      // What a page can send with no preflight: text/plain, with its own Origin.
      const simple = await rpc({ "content-type": "text/plain", origin: "https://evil.example" });
      expect(simple.status).toBe(403);
      const plain = await rpc({ "content-type": "text/plain" });
      expect(plain.status).toBe(415);
      const foreign = await rpc({ "content-type": "application/json", origin: "https://evil.example" });
      expect(foreign.status).toBe(403);
      // Our client: JSON, no Origin.
      const ok = await rpc({ "content-type": "application/json" });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ result: await sim.currentBlock() });
    } finally {
      await served.close();
    }
  });

  it("the rule: Host an address or localhost (or allowed), Origin this host, POST only as JSON", () => {
    const json = { "content-type": "application/json" };
    expect(browserRequestProblem({ host: "127.0.0.1:9955", ...json }, "POST")).toBeNull();
    expect(browserRequestProblem({ host: "[::1]:9955", ...json }, "POST")).toBeNull();
    expect(browserRequestProblem({ host: "localhost:9955", ...json }, "POST")).toBeNull();
    expect(browserRequestProblem({ host: "rebind.evil.example:9955", ...json }, "POST")?.status).toBe(403);
    expect(browserRequestProblem({ host: "simchain:9955", ...json }, "POST", ["simchain"])).toBeNull();
    expect(
      browserRequestProblem({ host: "127.0.0.1:8787", origin: "http://127.0.0.1:8787" }, "GET"),
    ).toBeNull();
    expect(browserRequestProblem({ host: "127.0.0.1:8787", origin: "null" }, "GET")?.status).toBe(403);
    expect(
      browserRequestProblem(
        { host: "127.0.0.1:9955", "content-type": "application/json; charset=utf-8" },
        "POST",
      ),
    ).toBeNull();
    expect(
      browserRequestProblem({ host: "127.0.0.1:9955", "content-type": "text/plain" }, "POST")?.status,
    ).toBe(415);
  });
});
