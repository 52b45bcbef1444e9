/** One member of a consumer group as its JoinGroup subscription describes it. */
export interface SubscribedMember {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** Partitions the member still owns (cooperative protocol): it keeps consuming them meanwhile. */
  readonly owned: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly number[] }>;
}

/** Partitions per topic, per member. */
export type GroupAssignment = Map<string, Map<string, number[]>>;

/**
 * A balanced, sticky, cooperative assignment, the contract librdkafka's `cooperative-sticky`
 * members expect of whichever member leads the group: per topic, each subscribed member gets
 * ⌊P/M⌋ or ⌈P/M⌉ partitions, keeping those it owns where the balance allows. A partition that
 * moves away from a member still in the group is given to nobody in this round: its owner sees it
 * gone, stops consuming it and rejoins, and the next round hands it on. So a partition never has
 * two consumers at once, and one that does not move is never interrupted.
 */
export function cooperativeAssignment(
  members: readonly SubscribedMember[],
  partitionCounts: ReadonlyMap<string, number>,
): GroupAssignment {
  const result: GroupAssignment = new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
  for (const [topic, count] of [...partitionCounts].sort(([a], [b]) => a.localeCompare(b))) {
    const subscribers = members
      .filter((m) => m.topics.includes(topic))
      .map((m) => m.memberId)
      .sort();
    if (subscribers.length === 0) continue;
    const owner = ownersOf(topic, count, members, new Set(subscribers));
    const kept = new Map(subscribers.map((id) => [id, [] as number[]]));
    for (let p = 0; p < count; p++) {
      const o = owner.get(p);
      if (o) kept.get(o)?.push(p);
    }
    // Those who own more keep more: the extra partitions of an uneven split go to them first.
    const order = [...subscribers].sort((a, b) => (kept.get(b)?.length ?? 0) - (kept.get(a)?.length ?? 0));
    const base = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    const free: number[] = [];
    for (let p = 0; p < count; p++) if (!owner.has(p)) free.push(p);
    order.forEach((id, rank) => {
      const quota = base + (rank < extra ? 1 : 0);
      const mine = kept.get(id) ?? [];
      // Above its quota a member gives partitions up; they go to nobody this round (their owner
      // is still consuming them). Only partitions nobody owns are handed out now.
      mine.splice(quota);
      while (mine.length < quota && free.length > 0) mine.push(free.shift() as number);
    });
    for (const [id, parts] of kept)
      if (parts.length > 0)
        result.get(id)?.set(
          topic,
          parts.sort((a, b) => a - b),
        );
  }
  return result;
}

/**
 * Who owns each partition of `topic`, as the members claim it. A claim by a member no longer
 * subscribed to the topic, out of range, or contested by two members is not honoured.
 */
function ownersOf(
  topic: string,
  count: number,
  members: readonly SubscribedMember[],
  subscribers: ReadonlySet<string>,
): Map<number, string> {
  const owner = new Map<number, string>();
  const contested = new Set<number>();
  for (const m of members) {
    if (!subscribers.has(m.memberId)) continue;
    for (const o of m.owned)
      if (o.topic === topic)
        for (const p of o.partitions) {
          if (!Number.isInteger(p) || p < 0 || p >= count) continue;
          if (owner.has(p) && owner.get(p) !== m.memberId) contested.add(p);
          else owner.set(p, m.memberId);
        }
  }
  for (const p of contested) owner.delete(p);
  return owner;
}
