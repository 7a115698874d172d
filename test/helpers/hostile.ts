// Hostile miners: real servers on loopback that misbehave in one specific way each, plus honest ones, and a
// "redirect target" that records every connection so a test can prove it was never contacted.
import http from "node:http";
import net from "node:net";

export type Behaviour =
  | "honest"
  | "silent"
  | "slowloris-headers"
  | "slowloris-body"
  | "huge-100mb"
  | "huge-declared"
  | "reset"
  | "reset-mid-body"
  | "invalid-utf8"
  | "http500"
  | "redirect";

export const HOSTILE: Behaviour[] = [
  "silent",
  "slowloris-headers",
  "slowloris-body",
  "huge-100mb",
  "huge-declared",
  "reset",
  "reset-mid-body",
  "invalid-utf8",
  "http500",
  "redirect",
];

export const HUNDRED_MB = 100 * 1024 * 1024;
/** Marks the validator's reference text so the honest miner can answer correctly. */
export const REFERENCE_MARKER = "[hardening-reference]";

export interface HostileServer {
  behaviour: Behaviour;
  host: string;
  port: number;
  url: string;
  /** Requests whose head arrived. */
  requests: number;
  /** Body bytes written in all (the huge ones). */
  bytesSent: number;
  /** The most body bytes written for any one request. */
  maxBytesPerRequest: number;
}

export interface Counter {
  url: string;
  host: string;
  port: number;
  connections: number;
}

interface Closable {
  close(): Promise<void>;
}

/** Tracks sockets so close() can end even servers that never answer. */
function track(server: net.Server): Closable {
  const sockets = new Set<net.Socket>();
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function listen(server: net.Server, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as net.AddressInfo).port;
}

/** A server that counts connections and answers 200 "1" (it must never be reached). */
export async function startCounter(host: string): Promise<Counter & Closable> {
  const c = { connections: 0 } as Counter;
  const server = http.createServer((_req, res) => res.end("1"));
  server.on("connection", () => c.connections++);
  const closer = track(server);
  c.port = await listen(server, host);
  c.host = host;
  c.url = `http://${host}:${c.port}`;
  return Object.assign(c, closer);
}

function readBody(req: http.IncomingMessage): Promise<{ step?: string; generation?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        resolve({});
      }
    });
    req.on("error", () => resolve({}));
  });
}

/** Writes `total` bytes of "1" in 64 KiB chunks with back-pressure; never holds more than one chunk. */
function pump(res: http.ServerResponse, total: number, s: HostileServer): void {
  const chunk = Buffer.alloc(64 * 1024, 0x31);
  let left = total;
  let sent = 0;
  const next = () => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(left, chunk.length);
      left -= n;
      s.bytesSent += n;
      sent += n;
      s.maxBytesPerRequest = Math.max(s.maxBytesPerRequest, sent);
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once("drain", next);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  next();
}

export async function startHostile(
  behaviour: Behaviour,
  opts: { host: string; redirectTo?: Counter; trickleMs?: number },
): Promise<HostileServer & Closable> {
  const s: HostileServer = {
    behaviour,
    host: opts.host,
    port: 0,
    url: "",
    requests: 0,
    bytesSent: 0,
    maxBytesPerRequest: 0,
  };
  const trickle = opts.trickleMs ?? 100;
  const timers = new Set<NodeJS.Timeout>();
  const every = (ms: number, fn: () => boolean) => {
    const t = setInterval(() => {
      if (!fn()) {
        clearInterval(t);
        timers.delete(t);
      }
    }, ms);
    timers.add(t);
  };
  let redirects = 0;

  let server: net.Server;
  if (behaviour === "slowloris-headers") {
    // Raw TCP: a status line, then one header byte at a time, forever.
    server = net.createServer((sock) => {
      sock.on("error", () => {});
      sock.once("data", () => {
        s.requests++;
        sock.write("HTTP/1.1 200 OK\r\nX-Slow: ");
        every(trickle, () => {
          if (sock.destroyed) return false;
          sock.write("a");
          return true;
        });
      });
    });
  } else {
    server = http.createServer(async (req, res) => {
      s.requests++;
      res.on("error", () => {});
      if (behaviour === "reset") {
        req.socket.resetAndDestroy();
        return;
      }
      const body = await readBody(req);
      const discriminator = body.step !== "generator";
      switch (behaviour) {
        case "honest": {
          if (!discriminator) return void res.end("An honest miner's answer, in plain prose.");
          return void res.end(body.generation?.includes(REFERENCE_MARKER) ? "0" : "1");
        }
        case "silent":
          return; // headers never come
        case "slowloris-body": {
          res.writeHead(200, { "content-type": "text/plain" });
          every(trickle, () => {
            if (res.destroyed) return false;
            res.write("1");
            return true;
          });
          return;
        }
        case "huge-100mb": {
          res.writeHead(200, { "content-type": "text/plain" }); // chunked: no length to refuse up front
          return pump(res, HUNDRED_MB, s);
        }
        case "huge-declared": {
          res.writeHead(200, { "content-type": "text/plain", "content-length": String(HUNDRED_MB) });
          return pump(res, HUNDRED_MB, s);
        }
        case "reset-mid-body": {
          res.writeHead(200, { "content-type": "text/plain", "content-length": "10" });
          res.write("1");
          setTimeout(() => req.socket.resetAndDestroy(), 20);
          return;
        }
        case "invalid-utf8": {
          // "1" then bytes that are not UTF-8: a reader that repairs them would see "1\uFFFD".
          res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
          return void res.end(
            discriminator ? Buffer.from([0x31, 0xff, 0xfe]) : Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
          );
        }
        case "http500": {
          res.writeHead(500, { "content-type": "text/plain" });
          return void res.end("1");
        }
        case "redirect": {
          const code = [301, 302, 303, 307, 308][redirects++ % 5]!;
          res.writeHead(code, { location: `${opts.redirectTo!.url}/v1/chat/completions` });
          return void res.end();
        }
      }
    });
  }
  const closer = track(server);
  s.port = await listen(server, opts.host);
  s.url = `http://${opts.host}:${s.port}`;
  return Object.assign(s, {
    close: async () => {
      for (const t of timers) clearInterval(t);
      await closer.close();
    },
  });
}
