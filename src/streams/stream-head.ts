// The stream head: one Durable Object per stream (named by its topic) that holds what
// Kafka's model has no place for (content type, TTL and expiry, closure, Stream-Seq,
// the protocol's producer state) and puts every write of the stream in one line, so
// that closure, Stream-Seq and producer checks are atomic with the append they guard.
// The records themselves live in the topic's partition, replicated as any topic's.

import { DurableObject } from "cloudflare:workers";
import { catalogStub } from "../catalog/catalog-stub.js";
import { type Clock, systemClock } from "../common/clock.js";
import { type ErrorData, type Failure, failure, type Result } from "../protocol/errors.js";
import type { TopicConfig } from "../protocol/topic.js";
import { forget } from "../router/metadata-cache.js";
import { HeadStore } from "./head-store.js";
import { checkProducer, type StreamProducer, streamProducerId } from "./producer-check.js";
import { callStreamLeader } from "./stream-leader.js";
import { type StreamSettings, type StreamState, sameSettings } from "./stream-settings.js";

export interface AppendRequest {
  /** The record of this append (one per request), encoded as a batch; null: close only. */
  batch: Uint8Array | null;
  contentType: string | null;
  streamSeq: string | null;
  producer: StreamProducer | null;
  close: boolean;
}

export type AppendResult = Result<{ state: StreamState; duplicate: boolean; producerSeq: number | null }>;
export type CreateResult = Result<{ state: StreamState; created: boolean }>;
export type StateResult = Result<{ state: StreamState }>;

/** Writes waiting for the line; more are refused as retriable. */
const MAX_QUEUED_WRITES = 256;

export class StreamHead extends DurableObject<Env> {
  private readonly store: HeadStore;
  private readonly clock: Clock = systemClock;
  private line: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new HeadStore(ctx.storage.sql);
  }

  /** The stream, if it lives; `touch` (reads) restarts its TTL. */
  describe(touch: boolean): StateResult {
    const state = this.live();
    if (!state) return missing();
    if (touch && state.ttlSeconds !== null) this.store.touch(this.clock.now());
    return { ok: true, state: this.store.state()! };
  }

  async create(
    topic: string,
    settings: StreamSettings,
    topicConfig: TopicConfig,
    initial: Uint8Array | null,
    closed: boolean,
  ): Promise<CreateResult> {
    return await this.inLine(async () => {
      const existing = await this.withTopic(this.live());
      if (existing) {
        if (sameSettings(existing, settings) && existing.closed === closed) {
          return { ok: true, state: existing, created: false };
        }
        return failure("TOPIC_ALREADY_EXISTS", "the stream exists with another content type, TTL, expiry or closure");
      }
      const made = await catalogStub(this.env).createTopic(topic, 1, topicConfig);
      if (!made.ok) {
        // A topic made through the Kafka-style API under a stream's name stays its own.
        if (made.error.code !== "TOPIC_ALREADY_EXISTS") return made;
        return failure("TOPIC_ALREADY_EXISTS", `topic ${topic} exists and is not a stream; streams use their own`);
      }
      forget(topic);
      this.store.create(topic, made.metadata.topicId, settings, this.clock.now());
      await this.scheduleExpiry();
      if (initial === null && !closed) return { ok: true, state: this.store.state()!, created: true };
      const first = await this.write({
        batch: initial,
        contentType: settings.contentType,
        streamSeq: null,
        producer: null,
        close: closed,
      });
      if (!first.ok) {
        await this.expire();
        return first;
      }
      return { ok: true, state: first.state, created: true };
    });
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    return await this.inLine(async () => await this.write(request));
  }

  async remove(): Promise<Result<object>> {
    return await this.inLine(async () => {
      if (!this.live()) return missing();
      await this.expire();
      return { ok: true };
    });
  }

  /** Expiry: at the deadline unless a read or write has moved it since. */
  override async alarm(): Promise<void> {
    await this.inLine(async (): Promise<Result<object>> => {
      const state = this.store.state();
      if (!state || state.deadlineMs === null) return { ok: true };
      if (state.deadlineMs > this.clock.now()) await this.ctx.storage.setAlarm(state.deadlineMs);
      else await this.expire();
      return { ok: true };
    });
  }

  private async write(request: AppendRequest): Promise<AppendResult> {
    const state = this.live();
    if (!state) return missing();
    const producer = request.producer;
    const known = producer ? this.store.producer(producer.id) : null;
    if (producer) {
      const verdict = checkProducer(known, producer);
      if (verdict.kind === "refuse") return withTail(verdict.error, state);
      if (verdict.kind === "duplicate") {
        return { ok: true, state, duplicate: true, producerSeq: verdict.record.lastSeq };
      }
    }
    if (state.closed) {
      if (request.close && request.batch === null) return { ok: true, state, duplicate: false, producerSeq: null };
      return withTail({ code: "STREAM_CLOSED", message: "the stream is closed" }, state);
    }
    if (request.batch !== null && request.contentType !== state.contentType) {
      const message = `the stream's content type is ${state.contentType}, not ${request.contentType}`;
      return withTail({ code: "CONTENT_TYPE_MISMATCH", message }, state);
    }
    const lastSeq = this.store.lastStreamSeq();
    if (request.streamSeq !== null && lastSeq !== null && request.streamSeq <= lastSeq) {
      const message = `Stream-Seq ${request.streamSeq} is not after the last one, ${lastSeq}`;
      return withTail({ code: "STREAM_SEQ_REGRESSION", message }, state);
    }
    let tail = state.tailOffset;
    if (request.batch !== null) {
      const batch = request.batch;
      const kafkaProducer = producer
        ? { producerId: await streamProducerId(producer.id), producerEpoch: producer.epoch, baseSequence: producer.seq }
        : null;
      const produced = await callStreamLeader(
        this.env,
        state.topic,
        state.topicId,
        async (leader) => await leader.produce({ batch, acks: "all", producer: kafkaProducer }),
      );
      if (!produced.ok) return produced;
      tail = Math.max(tail, produced.lastOffset + 1);
    }
    this.store.advance(tail, request.close, request.streamSeq);
    if (producer) this.store.recordProducer(producer.id, { epoch: producer.epoch, lastSeq: producer.seq });
    if (state.ttlSeconds !== null) this.store.touch(this.clock.now());
    return { ok: true, state: this.store.state()!, duplicate: false, producerSeq: producer?.seq ?? null };
  }

  /** The stream unless it is gone or past its deadline (then the alarm is due now). */
  private live(): StreamState | null {
    const state = this.store.state();
    if (!state) return null;
    if (state.deadlineMs !== null && state.deadlineMs <= this.clock.now()) {
      void this.ctx.storage.setAlarm(this.clock.now());
      return null;
    }
    return state;
  }

  /** The stream, unless its topic was deleted through the Kafka-style API (then the
   * head forgets it, so that PUT creates it again). */
  private async withTopic(state: StreamState | null): Promise<StreamState | null> {
    if (!state) return null;
    const found = await catalogStub(this.env).lookup(state.topic);
    if (found.ok && found.topicId === state.topicId) return state;
    if (!found.ok && found.error.code !== "UNKNOWN_TOPIC_OR_PARTITION") return state;
    this.store.remove();
    await this.ctx.storage.deleteAlarm();
    return null;
  }

  private async scheduleExpiry(): Promise<void> {
    const deadline = this.store.state()?.deadlineMs ?? null;
    if (deadline !== null) await this.ctx.storage.setAlarm(deadline);
  }

  private async expire(): Promise<void> {
    const state = this.store.state();
    if (state) await this.dropTopic(state.topic);
    this.store.remove();
    await this.ctx.storage.deleteAlarm();
  }

  private async dropTopic(topic: string): Promise<void> {
    const dropped = await catalogStub(this.env).deleteTopic(topic);
    forget(topic);
    if (!dropped.ok && dropped.error.code !== "UNKNOWN_TOPIC_OR_PARTITION") {
      throw new Error(`could not delete topic ${topic}: ${dropped.error.message}`);
    }
  }

  /** Runs `task` after every write queued before it. */
  private async inLine<R>(task: () => Promise<R>): Promise<R | Failure> {
    if (this.queued >= MAX_QUEUED_WRITES) {
      return failure("THROTTLING_QUOTA_EXCEEDED", `over ${MAX_QUEUED_WRITES} writes are waiting on this stream`);
    }
    this.queued++;
    const run = this.line.then(task);
    this.line = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.queued--;
    }
  }
}

function missing<T>(): Result<T> {
  return failure("NOT_FOUND", "no such stream");
}

/** A refusal carries the stream's tail and closure, which the answer's headers show. */
function withTail(error: ErrorData, state: StreamState): Failure {
  return failure(error.code, error.message, { ...error.details, tailOffset: state.tailOffset, closed: state.closed });
}
