import {
  createTopicWithLeaders,
  leadersPending,
  waitForTopicLeaders,
  type TopicMetadataPort,
} from './topic-leaders';

describe('leadersPending', () => {
  it('recognises the protocol errors of a topic whose leaders are not known yet, also wrapped', () => {
    expect(leadersPending({ type: 'UNKNOWN_TOPIC_OR_PARTITION' })).toBe(true);
    expect(
      leadersPending({ name: 'KafkaJSNumberOfRetriesExceeded', cause: { type: 'LEADER_NOT_AVAILABLE' } }),
    ).toBe(true);
    expect(leadersPending({ type: 'TOPIC_AUTHORIZATION_FAILED' })).toBe(false);
    expect(leadersPending(new Error('connection refused'))).toBe(false);
    expect(leadersPending(undefined)).toBe(false);
  });
});

describe('waitForTopicLeaders', () => {
  it('polls until every partition has a leader, through failed and partial answers', async () => {
    const answers = [
      Promise.reject(new Error('This server does not host this topic-partition')),
      Promise.resolve({ topics: [{ partitions: [{ leader: 1 }, { leader: -1 }] }] }),
      Promise.resolve({ topics: [{ partitions: [{ leader: 1 }, { leader: 2 }] }] }),
    ];
    let calls = 0;
    const admin: TopicMetadataPort = { fetchTopicMetadata: () => answers[calls++] };
    answers[0].catch(() => undefined);
    await waitForTopicLeaders(admin, 'orders', 5_000, 1);
    expect(calls).toBe(3);
  });

  it('gives up after the timeout with the topic named', async () => {
    const admin: TopicMetadataPort = { fetchTopicMetadata: async () => ({ topics: [] }) };
    await expect(waitForTopicLeaders(admin, 'orders', 5, 1)).rejects.toThrow('topic orders has no leader');
  });
});

describe('createTopicWithLeaders', () => {
  const topic = { topic: 'orders', numPartitions: 2, replicationFactor: 3 };
  const led = { topics: [{ partitions: [{ leader: 1 }, { leader: 2 }] }] };

  it('waits for the leaders when creation reports them pending, and says it created the topic', async () => {
    let metadataCalls = 0;
    const admin = {
      createTopics: () => Promise.reject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' }),
      fetchTopicMetadata: async () => (metadataCalls++, led),
    };
    await expect(createTopicWithLeaders(admin, topic, 5_000)).resolves.toBe(true);
    expect(metadataCalls).toBe(1);
  });

  it('passes on what creation answered, and any other error', async () => {
    const answering = (answer: Promise<boolean>) => ({
      createTopics: () => answer,
      fetchTopicMetadata: async () => led,
    });
    await expect(createTopicWithLeaders(answering(Promise.resolve(false)), topic, 5_000)).resolves.toBe(
      false,
    );
    await expect(
      createTopicWithLeaders(answering(Promise.reject(new Error('not authorized'))), topic, 5_000),
    ).rejects.toThrow('not authorized');
  });
});
