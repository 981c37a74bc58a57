// What every Kafka API served by the gateway declares: its key, the versions it
// speaks, where its flexible (KIP-482) encoding begins, and its handler.

import type { Reader } from "../codec/reader.js";
import type { Writer } from "../codec/writer.js";
import type { EdgelogApi } from "../edgelog-api.js";
import type { GatewayLimits } from "../limits.js";
import type { ConnectionSession } from "../session.js";
import type { KnownTopicIds } from "../topic-ids.js";

export interface GatewayIdentity {
  nodeId: number;
  host: string;
  port: number;
}

export interface RequestContext {
  version: number;
  flexible: boolean;
  /** Edgelog as this connection's principal (its SASL login, else the gateway's --token). */
  edgelog: EdgelogApi;
  /** Edgelog's base URL, for a SASL login's own client. */
  url: string;
  /** Every connection must log in with SASL PLAIN before anything but ApiVersions. */
  saslRequired: boolean;
  gateway: GatewayIdentity;
  /** The topic ids this gateway has answered, to read back requests naming topics by id. */
  topicIds: KnownTopicIds;
  limits: GatewayLimits;
  session: ConnectionSession;
}

export interface KafkaApi {
  key: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  /** The first flexible version; past maxVersion when none we serve is flexible. */
  flexibleFrom: number;
  /** The response body, or null when the request expects none (Produce with acks=0). */
  handle(request: Reader, context: RequestContext): Promise<Writer | null>;
}

/** Kafka's throttle_time_ms: the gateway never throttles by itself. */
export const NO_THROTTLE_MS = 0;

/** Kafka's "not requested" value for authorized operations: ACLs are not reported. */
export const NO_AUTHORIZED_OPERATIONS = -2147483648;

/** Kafka's zero UUID, "no topic id": Edgelog names topics, it does not number them. */
export const NO_TOPIC_ID = Buffer.alloc(16);
