import { Kafka, type Message, type PartitionMetadata, type Producer } from 'kafkajs';
import { partitionForKey, retryDelayMs, SEND_RETRY_BACKOFF, SYSTEM_RANDOM } from '@kafka-fleet/core';
import type {
  BackendProducer,
  ClusterConnection,
  OutgoingRecord,
  PartitionAck,
  ProducerSettings,
} from '../backend-port';
import { BackendError } from '../../errors/client-errors';
import { createFleetPartitioner } from './fleet-partitioner';
import { KAFKAJS_COMPRESSION, kafkaJsClientConfig } from './kafkajs-config';
import { mapKafkaJsError } from './kafkajs-error-mapper';
import { MERGE_LIMITS, SendCoalescer } from './send-coalescer';
import { sendCompletely } from './send-completely';

/** One KafkaJS producer identity (producer id and its sequence numbers) and the sends using it. */
interface Identity {
  readonly producer: Producer;
  readonly connected: Promise<void>;
  inFlight: number;
  retired: boolean;
}

export class KafkaJsProducer implements BackendProducer {
  private readonly chosen = new WeakMap<Message, number>();
  private readonly coalescers = new Map<string, SendCoalescer<Message>>();
  /** Partitions (count, leaders) per topic, as the partitioner last saw them. */
  private readonly partitions = new Map<string, readonly PartitionMetadata[]>();
  private nextKeyless = 0;
  private readonly kafka: Kafka;
  private identity?: Identity;
  /** Identities given up after a failed send, until their other sends settled. */
  private readonly retired = new Set<Identity>();

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly settings: ProducerSettings,
  ) {
    this.kafka = new Kafka(kafkaJsClientConfig(cluster, settings.requestTimeoutMs));
  }

  async connect(): Promise<void> {
    await this.current().connected;
  }

  /**
   * The identity sends use now. KafkaJS 2.2.4 rolls back the idempotent sequence numbers of every
   * partition of a request that failed, including partitions the broker wrote: the next send to
   * one of those reuses a sequence the broker holds, and is "acknowledged" as a duplicate without
   * being written (or refused as out of order). So after a request given up the identity is given
   * up too and the next send gets a fresh producer id, whose sequences the broker has never seen. Sends
   * still in flight on the old one (other topics) finish there; then it is disconnected.
   */
  private current(): Identity {
    if (this.identity) return this.identity;
    const producer = this.kafka.producer({
      createPartitioner: createFleetPartitioner(this.chosen, this.partitions),
      // Idempotence keeps KafkaJS's own retries from duplicating records; it needs one request in flight.
      idempotent: true,
      maxInFlightRequests: 1,
      // Our sendNow is the retry loop (ordered, within the send's budget); KafkaJS insists on one
      // retry of its own for an idempotent producer, and that is all it gets.
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    const identity: Identity = {
      producer,
      connected: producer.connect().catch((e) => {
        if (this.identity === identity) this.identity = undefined; // the next send tries a new one
        throw mapKafkaJsError(e, { cluster: this.cluster.clusterId });
      }),
      inFlight: 0,
      retired: false,
    };
    identity.connected.catch(() => undefined); // awaited by whoever uses it
    this.identity = identity;
    return identity;
  }

  private retire(identity: Identity): void {
    if (this.identity === identity) this.identity = undefined;
    identity.retired = true;
    this.retired.add(identity);
    this.release(identity);
  }

  private release(identity: Identity): void {
    if (!identity.retired || identity.inFlight > 0) return;
    this.retired.delete(identity);
    void identity.producer.disconnect().catch(() => undefined);
  }

  async send(topic: string, records: readonly OutgoingRecord[], deadline?: number): Promise<PartitionAck[]> {
    // Records without a timestamp already have KafkaJS's message shape: no copy on the hot path.
    const messages = records.map((r) =>
      r.timestamp === undefined ? (r as Message) : { ...r, timestamp: String(r.timestamp) },
    );
    try {
      return await this.coalescerOf(topic).send(messages, deadline);
    } catch (error) {
      // The outcome names the messages sent; the caller knows its own records.
      if (error instanceof BackendError && error.outcome) {
        const unwritten = new Set(error.outcome.notWritten);
        error.outcome = {
          ...error.outcome,
          notWritten: records.filter((_, i) => unwritten.has(messages[i])),
        };
      }
      throw error;
    }
  }

  /** One request in flight per topic, so concurrent sends keep their order (see SendCoalescer). */
  private coalescerOf(topic: string): SendCoalescer<Message> {
    let coalescer = this.coalescers.get(topic);
    if (!coalescer) {
      coalescer = new SendCoalescer<Message>(
        (messages, deadline) => this.sendNow(topic, messages, deadline),
        (m) => this.chosen.get(m) ?? m.partition,
        (m) => ({ bytes: sizeOf(m.value) + sizeOf(m.key), partition: this.expectedPartition(topic, m) }),
        {
          ...MERGE_LIMITS,
          // A smaller batch size bounds what is merged per partition; a larger one never passes the
          // bound that keeps a merged request under the broker's default 1 MiB record batch.
          partitionBytes: Math.min(this.settings.batchSizeBytes ?? Infinity, MERGE_LIMITS.partitionBytes),
          lingerMs: this.settings.lingerMs,
        },
      );
      this.coalescers.set(topic, coalescer);
    }
    return coalescer;
  }

  /** The partition a message will get, when known before sending (keyed, with the count seen). */
  private expectedPartition(topic: string, m: Message): number | undefined {
    if (typeof m.partition === 'number') return m.partition;
    const count = this.partitions.get(topic)?.length;
    return count !== undefined && m.key !== null && m.key !== undefined
      ? partitionForKey(m.key, count)
      : undefined;
  }

  /**
   * Sends one request of the topic's queue, and retries it, ahead of the sends queued behind it,
   * until it is written or `deadline` comes: a retry that went behind them broke per-key order
   * (measured: 30 records out of key order across a 40 s broker outage). A retriable failure keeps
   * the producer identity: KafkaJS rolled back the failed partitions' sequence numbers, so the
   * same records re-sent carry the same sequences and the broker writes once what it had already
   * written. Giving up (a non-retriable error, or the budget spent) retires the identity.
   */
  private async sendNow(topic: string, messages: Message[], deadline: number): Promise<PartitionAck[]> {
    const acks: PartitionAck[] = [];
    let pending = messages;
    for (let attempt = 1; ; attempt++) {
      const identity = this.current();
      const result = await this.attempt(identity, topic, pending);
      acks.push(...result.acks);
      if (result.failure === undefined) {
        this.release(identity);
        return acks;
      }
      const error = mapKafkaJsError(result.failure, { cluster: this.cluster.clusterId, topic });
      const delay = retryDelayMs(SEND_RETRY_BACKOFF, attempt, SYSTEM_RANDOM);
      if (error.remediation === 'fail' || error.remediation === 'reroute' || Date.now() + delay >= deadline) {
        this.retire(identity);
        error.outcome = { acks, notWritten: result.notWritten };
        throw error;
      }
      pending = result.notWritten;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /**
   * Sends in requests that each go to one broker. KafkaJS 2.2.4 runs a send's per-broker requests
   * together and retries as soon as one fails, while the others may still be in flight: the retry
   * sends again to every broker that had not answered yet, under the next sequence numbers, so the
   * broker writes those records a second time (seen in a committed transaction with
   * kafka-dump-log). With one broker per request a failed request is retried alone, under the
   * sequence numbers it had, which the broker recognises if it wrote it. The first send to a
   * topic learns its leaders from one record sent alone. A request that fails leaves the others'
   * records written: the result says which records were not.
   */
  private async attempt(
    identity: Identity,
    topic: string,
    messages: Message[],
  ): Promise<{ acks: PartitionAck[]; notWritten: Message[]; failure?: unknown }> {
    identity.inFlight++;
    const acks: PartitionAck[] = [];
    const notWritten: Message[] = [];
    let failure: unknown;
    let rest = messages;
    try {
      await identity.connected;
      if (!this.partitions.has(topic)) {
        acks.push(...(await this.sendToOneBroker(identity, topic, messages.slice(0, 1))));
        rest = messages.slice(1);
      }
      const requests = this.byLeader(topic, rest);
      const settled = await Promise.allSettled(requests.map((r) => this.sendToOneBroker(identity, topic, r)));
      settled.forEach((s, i) => {
        if (s.status === 'fulfilled') acks.push(...s.value);
        else {
          failure ??= s.reason;
          notWritten.push(...requests[i]);
        }
      });
    } catch (error) {
      failure = error; // not connected, or the first record failed: nothing of `rest` was sent
      notWritten.push(...rest);
    } finally {
      identity.inFlight--;
    }
    return { acks, notWritten, failure };
  }

  /**
   * Groups messages by the leader of their partition, keeping each partition's order. A keyless
   * message is given its partition here (round-robin), which the partitioner then keeps.
   */
  private byLeader(topic: string, messages: readonly Message[]): Message[][] {
    const known = this.partitions.get(topic) ?? [];
    const leaders = new Map(known.map((p) => [p.partitionId, p.leader]));
    const groups = new Map<number, Message[]>();
    for (const m of messages) {
      let partition = this.chosen.get(m) ?? this.expectedPartition(topic, m);
      if (partition === undefined && known.length > 0) {
        partition = this.nextKeyless++ % known.length;
        this.chosen.set(m, partition);
      }
      // Unknown leader: one request of its own for the partition, still to a single broker.
      const group = partition === undefined ? -1 : (leaders.get(partition) ?? -2 - partition);
      const list = groups.get(group);
      if (list) list.push(m);
      else groups.set(group, [m]);
    }
    return [...groups.values()];
  }

  private async sendToOneBroker(
    identity: Identity,
    topic: string,
    messages: Message[],
  ): Promise<PartitionAck[]> {
    if (messages.length === 0) return [];
    const { metadata } = await sendCompletely(
      (record) => identity.producer.send(record),
      {
        topic,
        acks: -1,
        timeout: this.settings.requestTimeoutMs,
        compression: KAFKAJS_COMPRESSION[this.settings.compression],
        messages,
      },
      this.chosen,
    );
    return metadata
      .filter((m) => m.topicName === topic)
      .map((m) => ({ partition: m.partition, baseOffset: m.baseOffset ?? '-1' }));
  }

  async disconnect(): Promise<void> {
    const all = [...this.retired, ...(this.identity ? [this.identity] : [])];
    this.identity = undefined;
    this.retired.clear();
    await Promise.all(all.map((i) => i.producer.disconnect().catch(() => undefined)));
  }
}

function sizeOf(data: Message['value'] | Message['key']): number {
  if (data === null || data === undefined) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}
