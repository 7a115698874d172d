// Raw HTTP for abuse tests: exact bytes out, status and body back, and every transport failure as data
// (an abuse test must see a reset as a result, never as a thrown error that hides the rest of the run).
import http from "node:http";
import net from "node:net";

export interface HttpResult {
  /** Null when no HTTP response arrived (reset, closed, timed out). */
  status: number | null;
  body: string;
  error?: string;
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Send the body with chunked transfer encoding (no content-length). */
  chunked?: boolean;
  timeoutMs?: number;
}

export function send(
  agent: http.Agent,
  base: string,
  body: Buffer | string,
  opts: SendOptions = {},
): Promise<HttpResult> {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  // Host and path separately: a path such as "//x" must reach the server as written, not become a host.
  const u = new URL(base);
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: HttpResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const headers: Record<string, string> = { ...opts.headers };
    if (!opts.chunked) headers["content-length"] = String(bytes.length);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: opts.path ?? "/v1/chat/completions",
        method: opts.method ?? "POST",
        agent,
        headers,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          done({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", (e) => done({ status: res.statusCode ?? null, body: "", error: e.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("client timeout")));
    req.on("error", (e) =>
      done({ status: null, body: "", error: (e as NodeJS.ErrnoException).code ?? e.message }),
    );
    if (opts.chunked) {
      // Several chunks so the server sees a streamed body of unknown length.
      const step = Math.max(1, Math.ceil(bytes.length / 8));
      for (let i = 0; i < bytes.length; i += step) req.write(bytes.subarray(i, i + step));
      req.end();
    } else {
      req.end(bytes);
    }
  });
}

/**
 * Writes raw bytes on a fresh TCP connection and reads until the server closes or `timeoutMs` passes.
 * Returns the status code of the first response line, if any.
 */
export function sendRaw(
  host: string,
  port: number,
  bytes: Buffer,
  timeoutMs = 3_000,
): Promise<HttpResult & { raw: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = net.connect(port, host);
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      const raw = Buffer.concat(chunks).toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
      resolve({ status: m ? Number(m[1]) : null, body: raw, raw, error });
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    sock.on("connect", () => sock.end(bytes));
    sock.on("data", (c: Buffer) => {
      chunks.push(c);
      // One response is all we want; stop once its head arrived and the server said it would close.
      if (/\r\n\r\n/.test(Buffer.concat(chunks).toString("latin1"))) finish();
    });
    sock.on("end", () => finish());
    sock.on("error", (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}

/** Runs `tasks` with at most `limit` in flight; resolves when all are done. */
export async function pool<T>(tasks: Iterable<() => Promise<T>>, limit: number): Promise<T[]> {
  const it = tasks[Symbol.iterator]();
  const out: T[] = [];
  async function worker() {
    for (;;) {
      const next = it.next();
      if (next.done) return;
      out.push(await next.value());
    }
  }
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}
