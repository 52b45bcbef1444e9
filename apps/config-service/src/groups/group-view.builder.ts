import type {
  GroupMemberView,
  GroupPartitionLag,
  GroupSummary,
  GroupView,
  Heartbeat,
  PartitionOffsets,
} from '@kafka-fleet/contracts';

/** One physical topic a group reads, with the offsets read from its cluster. */
export interface GroupTopicOffsets {
  readonly topic: string;
  readonly clusterId: string;
  readonly physicalTopic: string;
  readonly end: PartitionOffsets;
  readonly committed: PartitionOffsets;
}

type Member = Pick<Heartbeat, 'instanceId' | 'app' | 'host' | 'groupStates'>;

/** Members of `groupId` among live instances, from what their heartbeats report. */
export function groupMembers(groupId: string, instances: readonly Member[]): GroupMemberView[] {
  return instances
    .filter((i) => i.groupStates[groupId])
    .map((i) => ({ instanceId: i.instanceId, app: i.app, host: i.host, report: i.groupStates[groupId] }))
    .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

/**
 * A group as SREs see it: members and their reports, each partition's committed offset, end
 * offset, lag and owner. A partition the group never committed counts its whole log as lag.
 */
export function buildGroupView(
  groupId: string,
  paused: boolean,
  members: readonly GroupMemberView[],
  offsets: readonly GroupTopicOffsets[],
): GroupView {
  const owners = new Map<string, string>();
  for (const m of members)
    for (const a of m.report.assignment)
      owners.set(`${a.clusterId}/${a.physicalTopic}/${a.partition}`, m.instanceId);
  const partitions: GroupPartitionLag[] = offsets.flatMap((t) =>
    Object.entries(t.end)
      .map(([p, end]) => {
        const committed = t.committed[p] ?? null;
        const lag = Number(BigInt(end) - BigInt(committed ?? '0'));
        const owner = owners.get(`${t.clusterId}/${t.physicalTopic}/${p}`);
        return {
          topic: t.topic,
          clusterId: t.clusterId,
          physicalTopic: t.physicalTopic,
          partition: Number(p),
          committed,
          end,
          lag: Math.max(0, lag),
          ...(owner ? { owner } : {}),
        };
      })
      .sort((a, b) => a.partition - b.partition),
  );
  return {
    id: groupId,
    paused,
    members: [...members],
    partitions,
    totalLag: partitions.reduce((sum, p) => sum + p.lag, 0),
    rebalancesLastMinute: members.reduce((sum, m) => sum + m.report.rebalancesLastMinute, 0),
    storm: members.some((m) => m.report.storm),
    held: heldBy(members),
    backends: backendsOf(members),
  };
}

function backendsOf(members: readonly GroupMemberView[]): GroupView['backends'] {
  return [...new Set(members.map((m) => m.report.backend))].sort();
}

/** Partitions the members hold at a record they could neither handle nor dead-letter. */
function heldBy(members: readonly GroupMemberView[]): GroupView['held'] {
  return members.flatMap((m) => (m.report.held ?? []).map((h) => ({ ...h, owner: m.instanceId })));
}

/** Every group known from heartbeats or from a stored control, one line each. */
export function summariseGroups(
  instances: readonly Member[],
  paused: ReadonlySet<string>,
  controlled: readonly string[],
): GroupSummary[] {
  const ids = new Set([...controlled, ...instances.flatMap((i) => Object.keys(i.groupStates))]);
  return [...ids].sort().map((id) => {
    const members = groupMembers(id, instances);
    return {
      id,
      paused: paused.has(id),
      memberCount: members.length,
      states: [...new Set(members.map((m) => m.report.state))].sort(),
      rebalancesLastMinute: members.reduce((sum, m) => sum + m.report.rebalancesLastMinute, 0),
      storm: members.some((m) => m.report.storm),
      heldPartitions: heldBy(members).length,
      backends: backendsOf(members),
    };
  });
}
