import { createSeededRandom, randomInt } from '../random/random-source';
import { cooperativeAssignment, type GroupAssignment, type SubscribedMember } from './cooperative-assignment';

const member = (
  memberId: string,
  owned: Record<string, number[]> = {},
  topics = ['t'],
): SubscribedMember => ({
  memberId,
  topics,
  owned: Object.entries(owned).map(([topic, partitions]) => ({ topic, partitions })),
});
const of = (a: GroupAssignment, id: string, topic = 't') => a.get(id)?.get(topic) ?? [];
const counts = new Map([['t', 6]]);

describe('cooperative sticky assignment', () => {
  it('splits a fresh group evenly', () => {
    const a = cooperativeAssignment([member('a'), member('b')], counts);
    expect([of(a, 'a'), of(a, 'b')]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('moves partitions away from a member still in the group only once it has let them go', () => {
    const first = cooperativeAssignment([member('a', { t: [0, 1, 2, 3, 4, 5] }), member('b')], counts);
    expect(of(first, 'a')).toEqual([0, 1, 2]);
    expect(of(first, 'b')).toEqual([]); // 3, 4, 5 are still a's until it rejoins without them
    const second = cooperativeAssignment([member('a', { t: [0, 1, 2] }), member('b')], counts);
    expect([of(second, 'a'), of(second, 'b')]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('hands a departed member its partitions to the others at once, keeping what each owns', () => {
    const a = cooperativeAssignment([member('a', { t: [3, 4, 5] }), member('c')], counts);
    expect(of(a, 'a')).toEqual([3, 4, 5]);
    expect(of(a, 'c')).toEqual([0, 1, 2]);
  });

  it('gives the extra partition of an uneven split to the member that owns more', () => {
    const seven = new Map([['t', 7]]);
    const a = cooperativeAssignment([member('a', { t: [0] }), member('b', { t: [1, 2, 3, 4] })], seven);
    expect(of(a, 'b')).toEqual([1, 2, 3, 4]);
    expect(of(a, 'a')).toEqual([0, 5, 6]);
  });

  it('honours no contested or out-of-range claim, and assigns a topic only to its subscribers', () => {
    const a = cooperativeAssignment(
      [member('a', { t: [0, 9] }), member('b', { t: [0] }), member('c', { u: [0] }, ['u'])],
      new Map([
        ['t', 2],
        ['u', 1],
      ]),
    );
    expect([of(a, 'a'), of(a, 'b')].flat().sort()).toEqual([0, 1]);
    expect(of(a, 'c', 'u')).toEqual([0]);
    expect(of(a, 'c', 't')).toEqual([]);
  });

  it('never gives a partition to a second member while its owner keeps it, and settles balanced (seeded)', () => {
    const rng = createSeededRandom(7);
    for (let round = 0; round < 200; round++) {
      const partitions = 1 + randomInt(rng, 12);
      const ids = Array.from({ length: 1 + randomInt(rng, 5) }, (_, i) => `m${i}`);
      // Each partition owned by a random member, or by nobody.
      const owned = new Map(ids.map((id) => [id, [] as number[]]));
      for (let p = 0; p < partitions; p++) {
        const o = randomInt(rng, ids.length + 1);
        if (o < ids.length) owned.get(ids[o])?.push(p);
      }
      const topicCounts = new Map([['t', partitions]]);
      let members = ids.map((id) => member(id, { t: owned.get(id) ?? [] }));
      const first = cooperativeAssignment(members, topicCounts);
      for (const m of members)
        for (const p of of(first, m.memberId)) {
          const holder = members.find((x) => x.owned[0].partitions.includes(p));
          expect(holder === undefined || holder.memberId === m.memberId).toBe(true);
        }
      // Members rejoin owning exactly what they were given; the next round is complete and even.
      members = ids.map((id) => member(id, { t: of(first, id) }));
      const second = cooperativeAssignment(members, topicCounts);
      const sizes = ids.map((id) => of(second, id).length);
      expect(ids.flatMap((id) => of(second, id)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: partitions }, (_, p) => p),
      );
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});
