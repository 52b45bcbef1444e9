import type { SubscribedMember } from '@kafka-fleet/core';

/**
 * Kafka's consumer protocol subscription (`ConsumerProtocolSubscription`, the JoinGroup metadata of
 * every Java, librdkafka and KafkaJS consumer), version 1 and later: topics, user data, and the
 * partitions the member still owns, which the cooperative protocol needs. KafkaJS's own encoder
 * writes version 0 only.
 */
export function encodeSubscription(topics: readonly string[], owned: SubscribedMember['owned'] = []): Buffer {
  const parts: Buffer[] = [int16(1), int32(topics.length), ...topics.map(str), int32(0), int32(owned.length)];
  for (const o of owned) parts.push(str(o.topic), int32(o.partitions.length), ...o.partitions.map(int32));
  return Buffer.concat(parts);
}

/** Any version of the subscription (later versions add fields after these, which are skipped). */
export function decodeSubscription(memberId: string, data: Buffer): SubscribedMember {
  let at = 0;
  const i16 = () => ((at += 2), data.readInt16BE(at - 2));
  const i32 = () => ((at += 4), data.readInt32BE(at - 4));
  const text = () => {
    const n = i16();
    at += n;
    return data.toString('utf8', at - n, at);
  };
  const array = <T>(item: () => T): T[] => Array.from({ length: Math.max(0, i32()) }, item);
  const version = i16();
  const topics = array(text);
  const userData = i32();
  if (userData > 0) at += userData;
  const owned =
    version >= 1 && at < data.length ? array(() => ({ topic: text(), partitions: array(i32) })) : [];
  return { memberId, topics, owned };
}

const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const str = (s: string) => {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([int16(bytes.length), bytes]);
};
