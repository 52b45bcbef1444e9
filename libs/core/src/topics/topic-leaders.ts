/**
 * A topic just created on a cluster that just started can be unknown, for a few seconds, to the
 * broker asked for its metadata: KafkaJS's `createTopics({ waitForLeaders: true })` then fails with
 * "This server does not host this topic-partition" (it only waits out LEADER_NOT_AVAILABLE) for a
 * topic that was created. These helpers recognise that and wait for the leaders instead.
 */

/** KafkaJS error types meaning "created, but its leaders are not elected or not known here yet". */
const LEADERS_PENDING = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
]);

/** Whether `error` (or an error it wraps, as KafkaJS does when its retries run out) is one of those. */
export function leadersPending(error: unknown): boolean {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (typeof e.type === 'string' && LEADERS_PENDING.has(e.type)) return true;
  return false;
}

/** The part of a KafkaJS admin client the wait needs. */
export interface TopicMetadataPort {
  fetchTopicMetadata(request: {
    topics: string[];
  }): Promise<{ topics: Array<{ partitions: Array<{ leader: number }> }> }>;
}

/** Polls until every partition of `topic` has a leader, or throws after `timeoutMs`. */
export async function waitForTopicLeaders(
  admin: TopicMetadataPort,
  topic: string,
  timeoutMs: number,
  pollMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    const partitions = meta?.topics[0]?.partitions ?? [];
    if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
    if (Date.now() > deadline) throw new Error(`topic ${topic} has no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The part of a KafkaJS admin client that creates a topic and waits for its leaders. */
export interface TopicCreationPort extends TopicMetadataPort {
  createTopics(request: {
    waitForLeaders: boolean;
    topics: Array<{
      topic: string;
      numPartitions: number;
      replicationFactor: number;
      configEntries?: Array<{ name: string; value: string }>;
    }>;
  }): Promise<boolean>;
}

/**
 * Creates a topic and waits for its leaders, also when KafkaJS gives up on them too early.
 * Resolves `true` if it was created, `false` if it existed already.
 */
export async function createTopicWithLeaders(
  admin: TopicCreationPort,
  topic: Parameters<TopicCreationPort['createTopics']>[0]['topics'][number],
  timeoutMs: number,
): Promise<boolean> {
  return admin.createTopics({ waitForLeaders: true, topics: [topic] }).catch(async (error: unknown) => {
    if (!leadersPending(error)) throw error;
    await waitForTopicLeaders(admin, topic.topic, timeoutMs);
    return true;
  });
}
