import { Kafka, type Message, type PartitionMetadata, type Producer } from 'kafkajs';
import { partitionForKey } from '@kafka-fleet/core';
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
   * being written (or refused as out of order). So after any failed send the identity is given up
   * and the next send gets a fresh producer id, whose sequences the broker has never seen. Sends
   * still in flight on the old one (other topics) finish there; then it is disconnected.
   */
  private current(): Identity {
    if (this.identity) return this.identity;
    const producer = this.kafka.producer({
      createPartitioner: createFleetPartitioner(this.chosen, this.partitions),
      // Idempotence keeps KafkaJS's own retries from duplicating records; it needs one request in flight.
      idempotent: true,
      maxInFlightRequests: 1,
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

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<PartitionAck[]> {
    // Records without a timestamp already have KafkaJS's message shape: no copy on the hot path.
    const messages = records.map((r) =>
      r.timestamp === undefined ? (r as Message) : { ...r, timestamp: String(r.timestamp) },
    );
    try {
      return await this.coalescerOf(topic).send(messages);
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
        (messages) => this.sendNow(topic, messages),
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
   * Sends in requests that each go to one broker. KafkaJS 2.2.4 runs a send's per-broker requests
   * together and retries as soon as one fails, while the others may still be in flight: the retry
   * sends again to every broker that had not answered yet, under the next sequence numbers, so the
   * broker writes those records a second time (seen in a committed transaction with
   * kafka-dump-log). With one broker per request a failed request is retried alone, under the
   * sequence numbers it had, which the broker recognises if it wrote it. The first send to a
   * topic learns its leaders from one record sent alone. A request that fails leaves the others'
   * records written: the error says which records were not (`outcome`), so only those are re-sent.
   */
  private async sendNow(topic: string, messages: Message[]): Promise<PartitionAck[]> {
    const identity = this.current();
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
    if (failure === undefined) {
      this.release(identity);
      return acks;
    }
    this.retire(identity);
    const error = mapKafkaJsError(failure, { cluster: this.cluster.clusterId, topic });
    error.outcome = { acks, notWritten };
    throw error;
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
