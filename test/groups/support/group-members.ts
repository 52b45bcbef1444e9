import { groupReport, type GroupReport } from '@kafka-fleet/contracts';
import type { FleetClient, FleetClientOptions, FleetConsumer } from '@kafka-fleet/client';
import type { ConsumerTally } from '../../shuffle/support/traffic';
import { KAFKAJS_APP, RDKAFKA_APP, ShuffleFixture } from '../../shuffle/support/shuffle-fixture';

/** One running member of a consumer group: its own fleet client (as one pod would have). */
export interface Member {
  readonly instanceId: string;
  readonly fleet: FleetClient;
  readonly consumer: FleetConsumer;
}

export async function startMember(
  fx: ShuffleFixture,
  app: typeof KAFKAJS_APP | typeof RDKAFKA_APP,
  groupId: string,
  instanceId: string,
  tally: ConsumerTally,
  extra: Partial<FleetClientOptions> = {},
): Promise<Member> {
  const fleet = await fx.fleet(app, { instanceId, ...extra });
  const consumer = fleet.consumer({ groupId });
  await consumer.subscribe({ topics: [fx.topic] });
  await consumer.run({ eachMessage: tally.handler() });
  return { instanceId, fleet, consumer };
}

/** The member's report as the service reads it (the wire's partition lists expanded). */
export function reportOf(member: Member, groupId: string): GroupReport {
  return groupReport.parse(member.consumer.groupReports()[groupId]);
}

/** The member's partitions as `physicalTopic/partition`, sorted. */
export function partitionsOf(member: Member, groupId: string): string[] {
  return reportOf(member, groupId)
    .assignment.map((a) => `${a.physicalTopic}/${a.partition}`)
    .sort();
}

/** Rebalances the member's client counted in `kafka_fleet_client_rebalances_total`. */
export async function rebalanceMetric(member: Member): Promise<number> {
  const metric = await member.fleet.metrics.rebalances.get();
  return metric.values.reduce((n, v) => n + v.value, 0);
}
