import type { CommandModule } from '../framework/command';
import type { GroupDetailView, GroupSummaryView } from '../http/api-schemas';
import { renderFields, renderTable } from '../output/table-renderer';

type Member = GroupDetailView['members'][number];
type PartitionRow = GroupDetailView['partitions'][number];
type HeldRow = GroupDetailView['held'][number];

export const groupsModule: CommandModule = {
  summary: 'Consumer groups: members, assignment, lag, rebalance storms; pause and resume',
  commands: [
    {
      path: ['groups', 'list'],
      summary: 'List consumer groups seen in heartbeats or paused by an operator',
      async run({ api, out }) {
        const { data, raw } = await api.listGroups();
        out.result(raw, () =>
          renderTable<GroupSummaryView>(
            [
              { header: 'group', value: (g) => g.id },
              { header: 'paused', value: (g) => (g.paused ? 'yes' : 'no') },
              { header: 'members', value: (g) => String(g.memberCount), align: 'right' },
              { header: 'states', value: (g) => g.states.join(',') || '-' },
              { header: 'rebalances/min', value: (g) => String(g.rebalancesLastMinute), align: 'right' },
              { header: 'storm', value: (g) => (g.storm ? 'STORM' : '-') },
              { header: 'held', value: (g) => String(g.heldPartitions), align: 'right' },
              { header: 'backends', value: backendsText },
            ],
            data,
            out.style,
            'no consumer groups reported',
          ),
        );
      },
    },
    {
      path: ['groups', 'get'],
      summary: 'Show a group: members and their state, partitions with owner, committed offset and lag',
      positionals: [{ name: 'id', description: 'consumer group id' }],
      async run({ api, out }, args) {
        const { data: g, raw } = await api.getGroup(args.positional('id'));
        out.result(raw, () => [
          ...renderFields(
            [
              ['group', g.id],
              ['paused', g.paused ? 'yes' : 'no'],
              ['total lag', String(g.totalLag)],
              ['rebalances/min', String(g.rebalancesLastMinute)],
              ['storm', g.storm ? 'yes' : 'no'],
              ['backends', backendsText(g)],
            ],
            out.style,
          ),
          '',
          ...renderTable<Member>(
            [
              { header: 'instance', value: (m) => m.instanceId },
              { header: 'app', value: (m) => m.app },
              { header: 'state', value: (m) => m.report.state },
              { header: 'backend', value: (m) => m.report.backend },
              { header: 'static', value: (m) => (m.report.staticMembership ? 'yes' : 'no') },
              { header: 'partitions', value: (m) => String(m.report.assignment.length), align: 'right' },
              {
                header: 'rebalances/min',
                value: (m) => String(m.report.rebalancesLastMinute),
                align: 'right',
              },
              {
                header: 'unassigned s',
                value: (m) => m.report.secondsWithoutAssignment.toFixed(1),
                align: 'right',
              },
            ],
            g.members,
            out.style,
            'no live members',
          ),
          '',
          ...renderTable<PartitionRow>(
            [
              { header: 'topic', value: (p) => p.topic },
              { header: 'cluster', value: (p) => p.clusterId },
              { header: 'partition', value: (p) => String(p.partition), align: 'right' },
              { header: 'committed', value: (p) => p.committed ?? '-', align: 'right' },
              { header: 'end', value: (p) => p.end, align: 'right' },
              { header: 'lag', value: (p) => String(p.lag), align: 'right' },
              { header: 'owner', value: (p) => p.owner ?? '-' },
            ],
            g.partitions,
            out.style,
            'no partitions known',
          ),
          ...(g.held.length === 0
            ? []
            : [
                '',
                ...renderTable<HeldRow>(
                  [
                    { header: 'held topic', value: (h) => h.topic },
                    { header: 'partition', value: (h) => String(h.partition), align: 'right' },
                    { header: 'at offset', value: (h) => h.offset, align: 'right' },
                    { header: 'owner', value: (h) => h.owner },
                    { header: 'why', value: (h) => h.reason },
                  ],
                  g.held,
                  out.style,
                  '',
                ),
              ]),
        ]);
      },
    },
    {
      path: ['groups', 'pause'],
      summary: 'Pause every member of a group (they stop fetching until resumed)',
      positionals: [{ name: 'id', description: 'consumer group id' }],
      examples: ['fleet groups pause receipts-indexer'],
      async run({ api, out }, args) {
        const { data, raw } = await api.pauseGroup(args.positional('id'));
        out.result(raw, () => [`group ${data.id} paused (version ${data.version})`]);
      },
    },
    {
      path: ['groups', 'resume'],
      summary: 'Resume a paused group',
      positionals: [{ name: 'id', description: 'consumer group id' }],
      async run({ api, out }, args) {
        const { data, raw } = await api.resumeGroup(args.positional('id'));
        out.result(raw, () => [`group ${data.id} resumed (version ${data.version})`]);
      },
    },
  ],
};

/** A group's backends, loud when they are mixed (see `GroupView.backends`). */
function backendsText(g: { backends: readonly string[] }): string {
  if (g.backends.length === 0) return '-';
  return g.backends.length > 1 ? `MIXED ${g.backends.join('+')}` : g.backends[0];
}
