// A loopback TCP relay. The chain refuses to announce 127.0.0.1, so a miner that listens only there is announced
// as 127.0.0.2:<port> and reached through this relay.
import net from "node:net";

export interface Relay {
  host: string;
  port: number;
  close(): Promise<void>;
}

export function startRelay(
  listenHost: string,
  listenPort: number,
  targetHost: string,
  targetPort: number,
): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, listenHost, () => {
      const addr = server.address() as net.AddressInfo;
      resolve({
        host: listenHost,
        port: addr.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
