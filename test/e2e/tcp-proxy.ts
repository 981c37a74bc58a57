// A TCP proxy in front of the test cluster that can be cut (connections dropped, the
// port refusing) and restored on the same port: the server going away and coming back,
// as a client sees it.

import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface TcpProxy {
  url: string;
  /** Drops every connection and stops listening. */
  cut(): void;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): void;
}

export async function tcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  const port = await listen(0);
  const cut = () => {
    if (server.listening) server.close();
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    cut,
    restore: async () => {
      await listen(port);
    },
    close: cut,
  };
}
