import { z } from 'zod';
import { partitionOffsets, topicEra, topicMigration } from './migrations';
import { bootstrapServers, resourceId, topicName } from './names';

export const BACKENDS = ['kafkajs', 'rdkafka'] as const;
export const backend = z.enum(BACKENDS);
export type Backend = z.infer<typeof backend>;

/** Version fields the store maintains; clients send `version` back for compare-and-set updates. */
const stored = {
  version: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

/**
 * Kafka security is stored *by reference*: the name of a secret the client (or the service) reads
 * from its own environment. Passwords and keys never enter Redis or any response.
 */
export const clusterSecurity = z
  .object({
    protocol: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']).default('PLAINTEXT'),
    saslMechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER']).optional(),
    secretRef: resourceId.optional().describe('name of a secret holding credentials; never the credentials'),
  })
  .strict();

export const CLUSTER_STATUSES = ['active', 'draining', 'maintenance', 'offline'] as const;

export const clusterInput = z
  .object({
    id: resourceId,
    bootstrapServers,
    region: z.string().min(1).max(64).default('local'),
    zone: z.string().max(64).optional(),
    environment: z.string().min(1).max(32).default('dev'),
    status: z.enum(CLUSTER_STATUSES).default('active'),
    tags: z.record(z.string().max(63), z.string().max(255)).default({}),
    capacity: z
      .object({
        maxPartitions: z.number().int().positive().optional(),
        maxBytesInPerSec: z.number().positive().optional(),
        maxStorageBytes: z.number().positive().optional(),
      })
      .strict()
      .default({}),
    security: clusterSecurity.default({ protocol: 'PLAINTEXT' }),
  })
  .strict();
export const cluster = clusterInput.extend(stored);
export type ClusterInput = z.input<typeof clusterInput>;
export type Cluster = z.infer<typeof cluster>;

export const topicPlacement = z.object({ clusterId: resourceId, physicalTopic: topicName }).strict();

export const topicInput = z
  .object({
    name: topicName,
    owner: z.string().min(1).max(128),
    partitions: z.number().int().min(1, 'must be at least 1').max(10_000, 'at most 10000'),
    replicationFactor: z.number().int().min(1).max(7).optional(),
    configs: z
      .record(
        z.string().regex(/^[a-z0-9.]+$/, 'Kafka config keys are lower-case dotted'),
        z.string().max(1024),
      )
      .default({}),
    clusterId: resourceId.describe('cluster the physical topic is placed on'),
    physicalTopic: topicName.optional().describe('defaults to the logical name'),
  })
  .strict();
export const topic = z
  .object({
    name: topicName,
    owner: z.string(),
    partitions: z.number().int(),
    replicationFactor: z.number().int(),
    configs: z.record(z.string(), z.string()),
    placement: topicPlacement,
    /** Increases on every placement change; clients report the epoch they apply. */
    epoch: z.number().int().positive(),
    state: z.enum(['stable', 'migrating']),
    /** Offsets below which the current placement holds records of an earlier era (already consumed or swept). */
    floor: partitionOffsets.optional(),
    /** Present while a shuffle runs: consumers of groups not yet drained still read `migration.source`. */
    migration: topicMigration.optional(),
    /** Earlier placements still readable by groups that have not passed their fence, oldest first. */
    eras: z.array(topicEra).optional(),
  })
  .extend(stored);
export type TopicInput = z.input<typeof topicInput>;
export type Topic = z.infer<typeof topic>;

/**
 * Fields an operator may change on an existing topic. Placement changes have their own endpoint
 * (and shuffles); partition counts and topic configs are changed on the cluster by SREs, not here.
 */
export const topicPatch = z
  .object({ version: z.number().int().nonnegative(), owner: z.string().min(1).max(128) })
  .strict();

export const topicAccess = z
  .object({
    produce: z.boolean().default(false),
    consume: z.boolean().default(false),
    backend: backend.optional().describe('overrides the application default for this topic'),
  })
  .strict()
  .refine((a) => a.produce || a.consume, 'must allow produce or consume');

/**
 * What a consumer does with a record its handler keeps failing on: retried with back-off (the
 * whole schedule stays under 2 minutes, so a member never outlives its poll interval while it
 * waits), then written to the dead-letter topic and passed; without one, its partition is held
 * (paused at that record) and reported, never a crash loop.
 */
export const MAX_HANDLER_RETRY_SCHEDULE_MS = 120_000;
export const handlerFailures = z
  .object({
    maxAttempts: z.number().int().min(1).max(20).default(5),
    initialBackoffMs: z.number().int().min(10).max(10_000).default(200),
    maxBackoffMs: z.number().int().min(10).max(60_000).default(5_000),
    /** A logical topic the app may produce to. */
    deadLetterTopic: topicName.optional(),
  })
  .strict()
  .refine((h) => h.maxBackoffMs >= h.initialBackoffMs, {
    path: ['maxBackoffMs'],
    message: 'must be at least initialBackoffMs',
  })
  .refine((h) => retryScheduleMs(h) <= MAX_HANDLER_RETRY_SCHEDULE_MS, {
    path: ['maxAttempts'],
    message: `the back-offs between attempts must add up to at most ${MAX_HANDLER_RETRY_SCHEDULE_MS} ms`,
  });
export type HandlerFailures = z.infer<typeof handlerFailures>;

type BackoffShape = {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
};

/** The back-off step after the `failed`-th failure: doubling from `initialBackoffMs`, capped. */
export function backoffStepMs(h: Omit<BackoffShape, 'maxAttempts'>, failed: number): number {
  return Math.min(h.maxBackoffMs, h.initialBackoffMs * 2 ** (failed - 1));
}

/** The longest a consumer waits between the attempts of one record (the sum of its steps). */
export function retryScheduleMs(h: BackoffShape): number {
  let total = 0;
  for (let failed = 1; failed < h.maxAttempts; failed++) total += backoffStepMs(h, failed);
  return total;
}

export const appInput = z
  .object({
    id: resourceId,
    owner: z.string().min(1).max(128),
    backend: backend.default('kafkajs'),
    topics: z.record(topicName, topicAccess).default({}),
    /** Client config overrides; the guardrails in `config-guardrails.ts` decide what may be set. */
    configOverrides: z
      .record(z.string().max(128), z.union([z.string().max(256), z.number(), z.boolean()]))
      .default({}),
    /** Optional: apps stored before it existed, and apps that keep the defaults. */
    handlerFailures: handlerFailures.optional(),
  })
  .strict()
  .refine((a) => Object.keys(a.topics).length <= 2000, {
    path: ['topics'],
    message: 'at most 2000 topics per app',
  })
  .refine(
    (a) => !a.handlerFailures?.deadLetterTopic || a.topics[a.handlerFailures.deadLetterTopic]?.produce,
    {
      path: ['handlerFailures', 'deadLetterTopic'],
      message: 'must be one of the topics the app may produce to',
    },
  );
export const app = z.object({ ...appInput.shape, ...stored });
export type AppInput = z.input<typeof appInput>;
export type App = z.infer<typeof app>;
