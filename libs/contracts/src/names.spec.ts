import { bootstrapServers, resourceId, topicName } from './names';

describe('topic names follow Kafka rules', () => {
  it.each(['payments.receipts', 'a', 'A-b_c.9', 'x'.repeat(249), '...'])('accepts %j', (name) => {
    expect(topicName.safeParse(name).success).toBe(true);
  });
  it.each(['', '.', '..', 'x'.repeat(250), 'has space', 'slash/no', 'ümlaut', 'tab\t'])(
    'rejects %j',
    (name) => {
      expect(topicName.safeParse(name).success).toBe(false);
    },
  );
});

describe('bootstrap servers', () => {
  it.each([['127.0.0.1:9092'], ['kafka-1.prod.example.com:9093', 'kafka-2:9093'], ['[::1]:9092']])(
    'accepts %j',
    (...list) => {
      expect(bootstrapServers.safeParse(list).success).toBe(true);
    },
  );
  it.each([[[]], [['broker']], [['b:0']], [['b:65536']], [['b:1', 'b:1']], [['-bad-:9092']], [[':9092']]])(
    'rejects %j',
    (list) => {
      expect(bootstrapServers.safeParse(list).success).toBe(false);
    },
  );
});

describe('resource ids', () => {
  it('accepts DNS-label-like ids and rejects the rest', () => {
    expect(resourceId.safeParse('payments-api').success).toBe(true);
    for (const bad of ['Payments', '-x', 'x-', 'a_b', 'x'.repeat(64), ''])
      expect(resourceId.safeParse(bad).success).toBe(false);
  });
});
