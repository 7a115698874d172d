// Wire parity with upstream Apex v3.0.6 peers (docs/validator.md "Weight syncer"): upstream's syncer client
// (apex/validator/weight_syncer.py `receive_rewards`) POSTs `content=b"{}"` through httpx with the Epistula headers
// of `generate_header` and NO Content-Type, then calls `resp.raise_for_status()` and `resp.json()` as a
// dict[str, float]. The bytes below are what httpx 0.28 puts on the wire for that call (header order and default
// headers read from httpx's Client.build_request/Request._prepare; no upstream code is copied): they go over a raw
// TCP socket to the syncer's own listener, which must answer 200 with our totals as a JSON object.
import { connect } from "node:net";
import { EPISTULA_HEADERS, epistulaReady, type Signer, signEpistula, VirtualClock } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSyncerServer, GET_REWARDS_ROUTE, makeValidatorConfig, type Validator } from "../src/index.js";

function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on("data", (c) => {
      chunks.push(c);
      // One response: stop once the body announced by content-length has arrived.
      const text = Buffer.concat(chunks).toString("latin1");
      const head = text.indexOf("\r\n\r\n");
      const len = /content-length: (\d+)/i.exec(text)?.[1];
      if (head >= 0 && len !== undefined && text.length >= head + 4 + Number(len)) socket.end();
    });
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", reject);
  });
}

describe("an upstream v3.0.6 peer can read our rewards", () => {
  const clock = new VirtualClock(Date.UTC(2026, 4, 1));
  let me: Signer;
  let peer: Signer;
  let port: number;
  const app = { close: async () => {} } as { close: () => Promise<void> };

  beforeAll(async () => {
    await epistulaReady();
    me = await devKeypair("//WireMe");
    peer = await devKeypair("//WirePeer");
    const config = makeValidatorConfig({
      chain: { no_chain: true, miners: [{ url: "http://127.0.0.2:1", hotkey: me.address }] },
      logger_db: { db_path: ":memory:" },
      weight_syncer: { enable_send: true, verified_hotkeys: [{ hotkey: peer.address }] },
    });
    const validator = {
      config,
      hotkey: me.address,
      now: () => clock.now(),
      sampler: { metagraph: async () => null },
      latestRewards: () => ({ at: clock.now(), rewards: { "5Fminer": 2.25, "5Gother": 0.5 } }),
    } as unknown as Validator;
    const server = buildSyncerServer(validator);
    await server.listen({ host: "127.0.0.1", port: 0 });
    port = (server.server.address() as { port: number }).port;
    app.close = () => server.close();
  });

  afterAll(() => app.close());

  it("POST {} with no Content-Type, as httpx sends it: 200 and our totals as a JSON object", async () => {
    const body = "{}";
    const h = signEpistula(peer, body, { signedFor: me.address, nowMs: clock.now() });
    const epistula = [
      EPISTULA_HEADERS.version,
      EPISTULA_HEADERS.timestamp,
      EPISTULA_HEADERS.uuid,
      EPISTULA_HEADERS.signedBy,
      EPISTULA_HEADERS.signature,
      EPISTULA_HEADERS.signedFor,
      EPISTULA_HEADERS.secret0,
      EPISTULA_HEADERS.secret1,
      EPISTULA_HEADERS.secret2,
    ].map((name) => `${name}: ${h[name]}\r\n`);
    const request =
      `POST ${GET_REWARDS_ROUTE} HTTP/1.1\r\n` +
      `Host: 127.0.0.1:${port}\r\n` +
      "Accept: */*\r\n" +
      "Accept-Encoding: gzip, deflate\r\n" +
      "Connection: keep-alive\r\n" +
      "User-Agent: python-httpx/0.28.1\r\n" +
      epistula.join("") +
      "Content-Length: 2\r\n" +
      "\r\n" +
      body;
    expect(request).not.toMatch(/content-type/i);
    const response = await rawRequest(port, request);
    const [head, payload] = response.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(head).toMatch(/content-type: application\/json/i);
    // What upstream's `resp.json()` then reads: a dict of hotkey → float.
    expect(JSON.parse(payload!)).toEqual({ "5Fminer": 2.25, "5Gother": 0.5 });
  });

  it("the same request replayed is refused (400), as is one from a stranger (401)", async () => {
    const body = "{}";
    const h = signEpistula(peer, body, { signedFor: me.address, nowMs: clock.now() });
    const send = (headers: Record<string, string>) =>
      rawRequest(
        port,
        `POST ${GET_REWARDS_ROUTE} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join("")}Content-Length: 2\r\n\r\n${body}`,
      );
    expect(await send(h)).toMatch(/^HTTP\/1\.1 200 /);
    expect(await send(h)).toMatch(/^HTTP\/1\.1 400 /);
    const stranger = await devKeypair("//WireStranger");
    expect(await send(signEpistula(stranger, body, { signedFor: me.address, nowMs: clock.now() }))).toMatch(
      /^HTTP\/1\.1 401 /,
    );
  });
});
