// A JSON-RPC 2.0 server over WebSocket (RFC 6455, text frames only), written out here so tests can stand in for a
// node without a ws dependency: enough for WsProvider requests, not subscriptions.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type RpcHandler = (params: unknown[]) => unknown | Promise<unknown>;

export interface WsJsonRpcServer {
  url: string;
  /** Every method called, in order. */
  calls: string[];
  close(): Promise<void>;
}

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head =
    n < 126
      ? Buffer.from([0x80 | opcode, n])
      : n < 65536
        ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigEndian64(n)]);
  return Buffer.concat([head, payload]);
}

function bigEndian64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Splits complete client frames (masked) off `buf`; returns them and what is left. */
function readFrames(buf: Buffer): { frames: Array<{ opcode: number; payload: Buffer }>; rest: Buffer } {
  const frames: Array<{ opcode: number; payload: Buffer }> = [];
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    const opcode = buf[at]! & 0x0f;
    const masked = (buf[at + 1]! & 0x80) !== 0;
    let len = buf[at + 1]! & 0x7f;
    let p = at + 2;
    if (len === 126) {
      if (buf.length < p + 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length < p + 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    const maskLen = masked ? 4 : 0;
    if (buf.length < p + maskLen + len) break;
    const mask = buf.subarray(p, p + maskLen);
    const payload = Buffer.from(buf.subarray(p + maskLen, p + maskLen + len));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    frames.push({ opcode, payload });
    at = p + maskLen + len;
  }
  return { frames, rest: buf.subarray(at) };
}

export async function serveWsJsonRpc(methods: Record<string, RpcHandler>): Promise<WsJsonRpcServer> {
  const calls: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(426).end());
  server.on("upgrade", (req, socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const key = String(req.headers["sec-websocket-key"] ?? "");
    const accept = createHash("sha1")
      .update(key + WS_GUID)
      .digest("base64");
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    let pending: Buffer = Buffer.alloc(0);
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const f of frames) {
        if (f.opcode === 8) {
          socket.end(frame(8, Buffer.alloc(0)));
          return;
        }
        if (f.opcode === 9) socket.write(frame(10, f.payload));
        if (f.opcode !== 1) continue;
        const req = JSON.parse(f.payload.toString("utf8")) as {
          id: number;
          method: string;
          params?: unknown[];
        };
        calls.push(req.method);
        const handler = methods[req.method];
        const reply = (body: Record<string, unknown>) => {
          if (!socket.destroyed)
            socket.write(frame(1, Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: req.id, ...body }))));
        };
        if (!handler) {
          reply({ error: { code: -32601, message: "Method not found" } });
          continue;
        }
        Promise.resolve()
          .then(() => handler(req.params ?? []))
          .then(
            (result) => reply({ result: result ?? null }),
            (error: unknown) => reply({ error: { code: -32000, message: String(error) } }),
          );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    calls,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
