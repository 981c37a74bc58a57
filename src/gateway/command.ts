// `edgelog gateway`: serves Kafka's wire protocol on a TCP port, in front of Edgelog's HTTP API.

import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from "./limits.js";
import { startGateway } from "./server.js";

export function gatewayCommand(): Command {
  return new Command("gateway")
    .description("serve the Kafka protocol (kcat, kafkajs, librdkafka) in front of Edgelog")
    .addOption(new Option("--listen <host:port>", "address to listen on").default("127.0.0.1:9092"))
    .addOption(new Option("--advertise <host:port>", "address clients are told to connect to (Metadata)"))
    .addOption(new Option("--tls-cert <file>", "PEM certificate chain: serve TLS (with --tls-key)"))
    .addOption(new Option("--tls-key <file>", "PEM private key of --tls-cert"))
    .addOption(new Option("--sasl", "require SASL PLAIN logins whose password is an Edgelog token"))
    .addOption(
      new Option("--max-connections <n>", "concurrent client connections").default(
        DEFAULT_GATEWAY_LIMITS.maxConnections,
      ),
    )
    .addOption(
      new Option("--max-frame-bytes <n>", "largest request frame").default(DEFAULT_GATEWAY_LIMITS.maxFrameBytes),
    )
    .addOption(
      new Option("--idle-timeout-ms <n>", "close idle connections after").default(DEFAULT_GATEWAY_LIMITS.idleTimeoutMs),
    )
    .action(async function (this: Command) {
      const options = this.optsWithGlobals<{
        url: string;
        token?: string;
        listen: string;
        advertise?: string;
        sasl?: boolean;
        tlsCert?: string;
        tlsKey?: string;
        maxConnections: string | number;
        maxFrameBytes: string | number;
        idleTimeoutMs: string | number;
      }>();
      const listen = hostPort(options.listen, "--listen");
      const limits: GatewayLimits = {
        ...DEFAULT_GATEWAY_LIMITS,
        maxConnections: positive(options.maxConnections, "--max-connections"),
        maxFrameBytes: positive(options.maxFrameBytes, "--max-frame-bytes"),
        idleTimeoutMs: positive(options.idleTimeoutMs, "--idle-timeout-ms"),
      };
      const gateway = await startGateway({
        listenHost: listen.host,
        listenPort: listen.port,
        advertise: options.advertise === undefined ? undefined : hostPort(options.advertise, "--advertise"),
        url: options.url,
        token: options.token,
        sasl: options.sasl,
        tls: await tlsOf(options.tlsCert, options.tlsKey),
        limits,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stderr.write(
        `edgelog gateway: Kafka protocol on ${listen.host}:${gateway.port}, Edgelog at ${options.url}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => void gateway.close().then(resolve);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}

async function tlsOf(certFile: string | undefined, keyFile: string | undefined) {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) throw new Error("--tls-cert and --tls-key go together");
  return { cert: await readFile(certFile), key: await readFile(keyFile) };
}

function hostPort(text: string, flag: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65_535) throw new Error(`${flag} must be host:port, not ${text}`);
  return { host: match[1] as string, port };
}

function positive(value: string | number, flag: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) throw new Error(`${flag} must be a positive integer, not ${value}`);
  return number;
}
