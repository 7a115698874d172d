#!/usr/bin/env node
// A toy outside miner for the action's CI test: anything that speaks the wire format can join a localnet.
//   node toy-miner.mjs [earn|silent]      listens on $APEX_MINER_PORT (set by --miner-cmd) on 127.0.0.1
// earn: a fixed generator answer and "1" as discriminator (right on generator rounds, so it earns a little).
// silent: answers every request with 503 (never scored, so its incentive stays 0).
import { createServer } from "node:http";

const mode = process.argv[2] ?? "earn";
const port = Number(process.env.APEX_MINER_PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error("APEX_MINER_PORT is not set");

createServer((req, res) => {
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    if (mode === "silent" || req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(mode === "silent" ? 503 : 404).end();
      return;
    }
    let step;
    try {
      step = JSON.parse(body).step;
    } catch {}
    const text =
      step === "generator" ? "A toy miner's answer: it depends on the premises; see the sources." : "1";
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(text);
  });
}).listen(port, "127.0.0.1");
