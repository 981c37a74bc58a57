// The client: `new Edgelog({ url, token? })`, then producer(), consumer({ groupId })
// and admin(), as kafkajs' Kafka class. fetch is the only I/O, so the same code runs
// in Node >= 20, browsers, Cloudflare Workers and Deno.

import { Admin } from "./admin.js";
import { Consumer } from "./consumer.js";
import type { ConsumerOptions } from "./consumer-types.js";
import { Producer, type ProducerOptions } from "./producer.js";
import { DEFAULT_RETRY, type RetryOptions } from "./retry.js";
import { TopicMetadataCache } from "./topic-metadata.js";
import { type FetchFunction, Transport } from "./transport.js";

export interface EdgelogConfig {
  /** Base URL of the Edgelog worker, e.g. http://127.0.0.1:8787. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Default globalThis.fetch; in a Worker, a service binding's or SELF's fetch. */
  fetch?: FetchFunction | undefined;
  /** Per request, added to any long-poll wait. Default 30,000. */
  requestTimeoutMs?: number | undefined;
  retry?: Partial<RetryOptions> | undefined;
  /** How long the producer trusts a topic's partition count. Default 30,000. */
  metadataMaxAgeMs?: number | undefined;
}

export class Edgelog {
  private readonly transport: Transport;
  private readonly retry: RetryOptions;
  private readonly metadata: TopicMetadataCache;

  constructor(config: EdgelogConfig) {
    if (!/^https?:\/\//.test(config.url)) throw new TypeError(`url must be http(s)://..., not ${config.url}`);
    const fetchFunction = config.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
    this.transport = new Transport({
      url: config.url,
      token: config.token,
      fetch: fetchFunction,
      requestTimeoutMs: config.requestTimeoutMs ?? 30_000,
    });
    this.retry = { ...DEFAULT_RETRY, ...config.retry };
    this.metadata = new TopicMetadataCache(this.transport, this.retry, config.metadataMaxAgeMs ?? 30_000);
  }

  producer(options: ProducerOptions = {}): Producer {
    return new Producer(this.transport, this.metadata, { ...this.retry, ...options.retry }, options);
  }

  consumer(options: ConsumerOptions): Consumer {
    return new Consumer(this.transport, { ...this.retry, ...options.retry }, options);
  }

  admin(): Admin {
    return new Admin(this.transport, this.retry);
  }
}
