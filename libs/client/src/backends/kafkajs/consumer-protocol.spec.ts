import { AssignerProtocol } from 'kafkajs';
import { decodeSubscription, encodeSubscription } from './consumer-protocol';

describe('consumer protocol subscription', () => {
  it('round-trips topics and owned partitions (version 1)', () => {
    const owned = [{ topic: 'orders', partitions: [0, 3] }];
    expect(decodeSubscription('m', encodeSubscription(['orders', 'refunds'], owned))).toEqual({
      memberId: 'm',
      topics: ['orders', 'refunds'],
      owned,
    });
  });

  it("reads KafkaJS's version 0 (no owned partitions) and later versions' extra fields", () => {
    const v0 = AssignerProtocol.MemberMetadata.encode({
      version: 0,
      topics: ['orders'],
      userData: Buffer.from('x'),
    });
    expect(decodeSubscription('m', v0)).toEqual({ memberId: 'm', topics: ['orders'], owned: [] });
    // Version 3 as librdkafka writes it: null user data, owned partitions, generation, rack.
    const v3 = Buffer.concat([
      encodeSubscription(['orders'], [{ topic: 'orders', partitions: [5] }]),
      Buffer.from([0, 0, 0, 7, 0xff, 0xff]),
    ]);
    v3.writeInt16BE(3, 0);
    v3.writeInt32BE(-1, 2 + 4 + 2 + 'orders'.length);
    expect(decodeSubscription('m', v3).owned).toEqual([{ topic: 'orders', partitions: [5] }]);
  });
});
