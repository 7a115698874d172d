// The flood bench's two children: `flood-child miner on|off <trusted ss58>` serves a miner with the flood guard
// on or off and counts its log lines; `flood-child attacker <port> <miner ss58> <trusted ss58> <seconds>` floods
// it from 127.0.0.9 with junk signatures naming the trusted validator, as fast as 16 connections allow.
import http from "node:http";
import { Writable } from "node:stream";
import { buildMinerApp, trustedSetPolicy } from "@apex/miner";
import { encodeRequestBody, epistulaReady, signEpistula, systemClock } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";

const [role, ...rest] = process.argv.slice(2);
await epistulaReady();

if (role === "miner") {
  const [guard, trusted] = rest;
  const key = await devKeypair("//apex//bench//flood-miner");
  let lines = 0;
  const app = buildMinerApp({
    hotkey: key.address,
    verify: trustedSetPolicy([trusted ?? ""]),
    generator: { name: "fixed", generate: () => "An honest answer." },
    discriminator: { name: "fixed", classify: () => "1" },
    floodGuard: guard === "on",
    rateLimit: { perMinute: 0, burst: 1 },
    logger: {
      level: "info",
      stream: new Writable({
        write(chunk: Buffer, _e, done) {
          lines += chunk.toString("utf8").split("\n").filter(Boolean).length;
          done();
        },
      }),
    },
  });
  await app.listen({ host: "0.0.0.0", port: 0 });
  process.on("message", (m) => {
    if (m === "lines") process.send!({ lines });
  });
  process.on("disconnect", () => void app.close().finally(() => process.exit(0)));
  process.send!({ port: (app.server.address() as { port: number }).port, hotkey: key.address });
} else if (role === "attacker") {
  const [port, minerHotkey, trusted, seconds] = rest;
  const forger = await devKeypair("//apex//bench//forger");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16, localAddress: "127.0.0.9" });
  const junk = Array.from({ length: 256 }, (_, i) => {
    const body = encodeRequestBody({ step: "generator", query: `junk ${i}` });
    const h = signEpistula(forger, body, { signedFor: minerHotkey!, nowMs: systemClock.now() + 4_000 });
    return { body, headers: { ...h, "Epistula-Signed-By": trusted!, "content-type": "application/json" } };
  });
  const counts: Record<string, number> = {};
  const until = Date.now() + Number(seconds) * 1000;
  let next = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const j = junk[next++ % junk.length]!;
      const req = http.request(
        { host: "127.0.0.1", port, path: "/v1/chat/completions", method: "POST", agent, headers: j.headers },
        (res) => {
          res.resume();
          res.on("end", () => {
            counts[String(res.statusCode)] = (counts[String(res.statusCode)] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on("error", () => {
        counts.error = (counts.error ?? 0) + 1;
        resolve();
      });
      req.end(j.body);
    });
  process.send!({ ready: true });
  await new Promise((r) => process.once("message", r));
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (Date.now() < until) await one();
    }),
  );
  agent.destroy();
  process.send!({ counts });
  process.disconnect();
}
