// The gateway's TCP listener. It holds no durable state: every request becomes calls
// to Edgelog's HTTP API, so any number of gateways can stand in front of one cluster.

import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { GatewayIdentity } from "./apis/api.js";
import { Connection } from "./connection.js";
import { EdgelogApi } from "./edgelog-api.js";
import type { GatewayLimits } from "./limits.js";
import { KnownTopicIds } from "./topic-ids.js";

export interface GatewayOptions {
  listenHost: string;
  listenPort: number;
  /** The host:port put in Metadata; defaults to the bound address. */
  advertise?: { host: string; port: number } | undefined;
  url: string;
  token?: string | undefined;
  /** PEM certificate chain and key: serve TLS (Kafka's SSL listener) instead of plain TCP. */
  tls?: { cert: Buffer; key: Buffer } | undefined;
  /** Require SASL PLAIN with an Edgelog token on every connection (--token is then unused). */
  sasl?: boolean | undefined;
  limits: GatewayLimits;
  log: (line: string) => void;
}

export interface RunningGateway {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** The single broker id the gateway reports for itself. */
const NODE_ID = 0;

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const edgelog = new EdgelogApi(options.url, options.token, options.limits.requestTimeoutMs);
  const connections = new Set<Connection>();
  const gateway: GatewayIdentity = { nodeId: NODE_ID, host: options.listenHost, port: options.listenPort };
  const topicIds = new KnownTopicIds();
  const accept = (socket: Socket) => {
    const context = {
      edgelog,
      gateway,
      topicIds,
      limits: options.limits,
      url: options.url,
      saslRequired: options.sasl === true,
    };
    const connection = new Connection(socket, context, options.log);
    connections.add(connection);
    socket.on("close", () => connections.delete(connection));
  };
  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, accept)
    : createServer(accept);
  server.maxConnections = options.limits.maxConnections;
  server.on("drop", (data) =>
    options.log(`gateway: refused ${data?.remoteAddress ?? "a client"}: maxConnections reached`),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.listenPort, options.listenHost, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.listenPort;
  gateway.host = options.advertise?.host ?? options.listenHost;
  gateway.port = options.advertise?.port ?? port;
  return {
    server,
    port,
    close: async () => {
      for (const connection of connections) connection.close(null);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
