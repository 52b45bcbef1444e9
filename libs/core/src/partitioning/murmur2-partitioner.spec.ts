import { murmur2, partitionForKey, toPositive } from './murmur2-partitioner';

// Vectors produced by Apache Kafka 4.1.1's own org.apache.kafka.common.utils.Utils#murmur2 on the
// UTF-8 bytes of each key (a throwaway Java program against the jars in .cache/kafka/libs).
const JAVA_VECTORS: ReadonlyArray<[key: string, hash: number, mod3: number, mod12: number]> = [
  ['', 275646681, 0, 9],
  ['a', -1563381124, 1, 4],
  ['ab', 316155434, 2, 2],
  ['abc', 479470107, 0, 3],
  ['key-0', 29210041, 1, 1],
  ['key-1', 193331640, 0, 0],
  ['payments.receipts', -717992142, 2, 2],
  ['customer-42', -542987495, 0, 9],
  ['été-日本', 1580312863, 1, 7],
  ['0123456789abcdef0123456789', 1747589219, 2, 11],
];

describe('murmur2 partitioner', () => {
  it.each(JAVA_VECTORS)('hashes %j exactly like Kafka Java', (key, hash, mod3, mod12) => {
    expect(murmur2(new TextEncoder().encode(key))).toBe(hash);
    expect(partitionForKey(key, 3)).toBe(mod3);
    expect(partitionForKey(key, 12)).toBe(mod12);
  });

  it('accepts raw bytes as well as strings', () => {
    expect(partitionForKey(new TextEncoder().encode('customer-42'), 12)).toBe(
      partitionForKey('customer-42', 12),
    );
  });

  it('toPositive clears the sign bit like Java (MIN_VALUE maps to 0)', () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(2147483647);
    expect(toPositive(5)).toBe(5);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects partition count %p', (count) => {
    expect(() => partitionForKey('k', count)).toThrow(RangeError);
  });
});
