import { createFleetClient } from '@kafka-fleet/client';

export interface RoundTripResult {
  readonly produced: number;
  readonly consumed: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly placedOn: string;
}

/**
 * Produces `count` keyed records to a logical topic through the fleet client, then reads them back
 * with a fresh group from the beginning of the topic, counting this run's records only.
 *
 * The group starts at the earliest offset, never at `latest`: a group that starts at the end
 * resolves its position lazily, after it was assigned, so records sent just before that moment
 * were never read, and the demo reported them as lost ("lost 40" on a loaded machine). Reading
 * after the sends leaves no race to win: every acknowledged record is below the end the group reads
 * to. Earlier runs' records on the same topic are read and skipped (their values carry another run).
 */
export async function fleetRoundTrip(
  serviceUrl: string,
  appId: string,
  token: string,
  topic: string,
  count: number,
  options: { readonly timeoutMs?: number } = {},
): Promise<RoundTripResult> {
  const fleet = createFleetClient({ serviceUrl, appId, token });
  await fleet.connect();
  const run = `${Date.now().toString(36)}.${process.pid}`;
  const seen = new Map<string, number>();
  try {
    let placedOn = '';
    for (let from = 0; from < count; from += 100) {
      const messages = Array.from({ length: Math.min(100, count - from) }, (_, i) => ({
        key: `customer-${(from + i) % 50}`,
        value: `${run}:${from + i}`,
      }));
      const [meta] = await fleet.producer().send({ topic, messages });
      placedOn = `${meta.clusterId} (epoch ${meta.epoch})`;
    }
    const consumer = fleet.consumer({ groupId: `demo.${run}`, fromBeginning: true });
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = message.value?.toString() ?? '';
        if (value.startsWith(`${run}:`)) seen.set(value, (seen.get(value) ?? 0) + 1);
      },
    });
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    while (seen.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const duplicated = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
    return { produced: count, consumed: seen.size, lost: count - seen.size, duplicated, placedOn };
  } finally {
    await fleet.disconnect();
  }
}
