import { MAX_ASSIGNED_PARTITIONS, groupId, groupReport } from './groups';

const report = {
  state: 'stable',
  backend: 'kafkajs',
  staticMembership: false,
  rebalancesLastMinute: 0,
  rebalancesTotal: 0,
  secondsWithoutAssignment: 0,
  storm: false,
} as const;
const where = { topic: 'orders', clusterId: 'alpha', physicalTopic: 'orders' };

describe('a group report on the wire', () => {
  it('expands partition lists into one entry per partition, after the per-partition entries', () => {
    const parsed = groupReport.parse({
      ...report,
      assignment: [{ ...where, partition: 7 }],
      assigned: [{ ...where, partitions: [0, 1] }],
    });
    expect(parsed.assignment).toEqual([
      { ...where, partition: 7 },
      { ...where, partition: 0 },
      { ...where, partition: 1 },
    ]);
    expect(parsed).not.toHaveProperty('assigned');
  });

  it('bounds the partitions of one member whichever form carries them', () => {
    const partitions = Array.from({ length: MAX_ASSIGNED_PARTITIONS / 2 + 1 }, (_, p) => p);
    const twice = {
      ...report,
      assigned: [
        { ...where, partitions },
        { ...where, partitions },
      ],
    };
    expect(groupReport.safeParse(twice).success).toBe(false);
    expect(groupReport.safeParse({ ...report, assigned: [{ ...where, partitions }] }).success).toBe(true);
  });

  it("takes Kafka's group ids, not control characters", () => {
    for (const ok of ['orders:v2', 'team/indexer', 'with space', 'ü-group'])
      expect(groupId.parse(ok)).toBe(ok);
    for (const bad of ['', 'bell\u0007', 'line\nbreak', 'x'.repeat(256)])
      expect(groupId.safeParse(bad).success).toBe(false);
  });
});
