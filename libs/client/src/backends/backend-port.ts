/**
 * The one port every Kafka backend implements. Promise-based, in Kafka's own nouns, and small:
 * what the routing producer/consumer need, nothing a single backend happens to offer.
 */
export type BackendName = 'kafkajs' | 'rdkafka';

export interface BackendCapabilities {
  /** Incremental (cooperative-sticky) rebalancing: partitions not moving keep being consumed. */
  readonly cooperativeRebalance: boolean;
  /** `group.instance.id`: a restarting member gets its partitions back without a rebalance. */
  readonly staticMembership: boolean;
  readonly transactions: boolean;
  readonly headers: boolean;
  readonly idempotentProducer: boolean;
}

export interface ClusterConnection {
  readonly clusterId: string;
  readonly bootstrapServers: readonly string[];
  /** Client id reported to brokers (bounded: app + backend, never an instance id in metrics). */
  readonly clientId: string;
}

export type Headers = Record<string, string | Buffer>;

export interface OutgoingRecord {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Headers;
  readonly timestamp?: number;
}

/** One partition's acknowledgement of a send: the offset of its first record in this send. */
export interface PartitionAck {
  readonly partition: number;
  readonly baseOffset: string;
}

/** Producer tuning (see `ClientTuning`); an absent setting keeps the backend's own default. */
export interface ProducerSettings {
  readonly lingerMs: number;
  readonly requestTimeoutMs: number;
  readonly compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  readonly batchSizeBytes?: number;
  /** The send budget (the client's `deliveryTimeoutMs`): librdkafka's own retries end with it. */
  readonly deliveryTimeoutMs?: number;
}

export interface BackendProducer {
  connect(): Promise<void>;
  /**
   * Sends with acks=all; resolves when every record is acknowledged (per key in the order given),
   * with one entry per partition written, like KafkaJS's own `send()`. A backend retries a failed
   * request itself, ahead of the sends behind it (so per-key order holds) and under the same
   * producer identity (so a retry of a request the broker did write is not written twice), until
   * `deadline` (epoch ms).
   */
  send(topic: string, records: readonly OutgoingRecord[], deadline?: number): Promise<PartitionAck[]>;
  disconnect(): Promise<void>;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  /** The next offset to read (Kafka's committed-offset convention). */
  readonly offset: string;
}

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer>;
  readonly timestamp: string;
}

export interface ConsumerSettings {
  readonly groupId: string;
  /** Static membership id; used only where `capabilities.staticMembership`. */
  readonly groupInstanceId?: string;
  readonly sessionTimeoutMs: number;
  readonly fromBeginning: boolean;
  /** Tuning (see `ClientTuning`); an absent setting keeps the backend's own default. */
  readonly requestTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly maxPollIntervalMs?: number;
  readonly fetchMaxBytes?: number;
}

export interface RebalanceListener {
  /**
   * Called with the partitions gained; `rebalanceMs` is how long the member waited for them (since
   * it joined or since its last revocation).
   */
  onAssigned?(partitions: TopicPartition[], info: { rebalanceMs: number }): void;
  /** Called before partitions are taken away: the last moment to commit their progress. */
  onRevoking?(partitions: TopicPartition[]): Promise<void>;
}

export interface RunOptions {
  /**
   * Commit each record's offset once its handler resolved (default). A record whose handling was
   * committed is never delivered again, and a partition's progress is committed before it is
   * revoked. `false`: the caller commits with `commit()`.
   * @default true
   */
  readonly autoCommit?: boolean;
  readonly listener?: RebalanceListener;
  /** A handler failed: the record is delivered again after a back-off (at-least-once). */
  readonly onHandlerError?: (error: unknown, record: ConsumedRecord) => void;
}

/** What a record handler may use while it runs (a long retry back-off, say). */
export interface DeliveryContext {
  /** Keeps the member alive in its group while the handler waits (a no-op where the backend heartbeats on its own). */
  heartbeat(): Promise<void>;
  /** Whether the member is letting go of the record's partition (closing, revoked): stop waiting. */
  stopping(): boolean;
}

/**
 * `'hold'`: the record is not handled and must not be committed; the backend rewinds its partition
 * to it and pauses the partition, and `resume` delivers it again.
 */
export type HandlerResult = void | 'hold';

export type RecordHandler = (record: ConsumedRecord, context: DeliveryContext) => Promise<HandlerResult>;

export interface BackendConsumer {
  connect(): Promise<void>;
  subscribe(topics: readonly string[]): Promise<void>;
  /** Delivers records one at a time, per partition in offset order; the next waits for the handler. */
  run(handler: RecordHandler, options?: RunOptions): Promise<void>;
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /**
   * Makes every handled offset of the owned partitions durable now (a shuffle waits for the group's
   * committed offsets to reach the fence, so a commit still queued must not stall it).
   */
  flush(): Promise<void>;
  committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]>;
  seek(target: TopicPartitionOffset): void;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  assignment(): TopicPartition[];
  disconnect(): Promise<void>;
}

export interface KafkaBackend {
  readonly name: BackendName;
  readonly capabilities: BackendCapabilities;
  createProducer(cluster: ClusterConnection, settings: ProducerSettings): BackendProducer;
  createConsumer(cluster: ClusterConnection, settings: ConsumerSettings): BackendConsumer;
}
