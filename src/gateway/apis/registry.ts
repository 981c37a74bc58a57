// The APIs the gateway serves, by key.

import type { KafkaApi } from "./api.js";
import { apiVersionsApi } from "./api-versions.js";
import { consumerGroupHeartbeatApi } from "./consumer-group-heartbeat.js";
import { createPartitionsApi } from "./create-partitions.js";
import { createTopicsApi } from "./create-topics.js";
import { deleteTopicsApi } from "./delete-topics.js";
import { describeConfigsApi } from "./describe-configs.js";
import { describeGroupsApi } from "./describe-groups.js";
import { fetchApi } from "./fetch.js";
import { findCoordinatorApi } from "./find-coordinator.js";
import { heartbeatApi } from "./heartbeat.js";
import { initProducerIdApi } from "./init-producer-id.js";
import { joinGroupApi } from "./join-group.js";
import { leaveGroupApi } from "./leave-group.js";
import { listGroupsApi } from "./list-groups.js";
import { listOffsetsApi } from "./list-offsets.js";
import { metadataApi } from "./metadata.js";
import { offsetCommitApi } from "./offset-commit.js";
import { offsetFetchApi } from "./offset-fetch.js";
import { produceApi } from "./produce.js";
import { saslAuthenticateApi, saslHandshakeApi } from "./sasl.js";
import { syncGroupApi } from "./sync-group.js";

const SERVED: readonly KafkaApi[] = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  apiVersionsApi(() => SERVED),
  initProducerIdApi,
  createTopicsApi,
  deleteTopicsApi,
  createPartitionsApi,
  describeConfigsApi,
  findCoordinatorApi,
  joinGroupApi,
  syncGroupApi,
  heartbeatApi,
  leaveGroupApi,
  offsetCommitApi,
  offsetFetchApi,
  describeGroupsApi,
  listGroupsApi,
  saslHandshakeApi,
  saslAuthenticateApi,
  consumerGroupHeartbeatApi,
].sort((a, b) => a.key - b.key);

export const API_BY_KEY: ReadonlyMap<number, KafkaApi> = new Map(SERVED.map((api) => [api.key, api]));
