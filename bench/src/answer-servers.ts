// N discriminators answering instantly: one process, one tiny HTTP server per port, so a validator talks to N
// distinct host:port pairs through real HTTP. `node answer-servers.js N`; reports {ports} over IPC.
import http from "node:http";
import type { AddressInfo } from "node:net";

const n = Number(process.argv[2] ?? "50");
const servers: http.Server[] = [];
const handler: http.RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    // Generator requests get a short text; discriminator requests a label.
    const text = body.includes('"generator"') ? "A short instant generation about rivers." : "1";
    res.writeHead(200, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  });
};
for (let i = 0; i < n; i++) {
  const s = http.createServer({ keepAliveTimeout: 60_000 }, handler);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  servers.push(s);
}
process.on("SIGTERM", () => process.exit(0));
process.on("disconnect", () => process.exit(0));
process.send!({ ports: servers.map((s) => (s.address() as AddressInfo).port) });
