import { createFleetClient } from '@kafka-fleet/client';

/**
 * Produces `count` keyed records to a logical topic through the fleet client and consumes them
 * back with a fresh group, counting what was lost or duplicated.
 */
export async function fleetRoundTrip(
  serviceUrl: string,
  appId: string,
  token: string,
  topic: string,
  count: number,
  partitions: number,
): Promise<{ produced: number; consumed: number; lost: number; duplicated: number; placedOn: string }> {
  const fleet = createFleetClient({ serviceUrl, appId, token });
  await fleet.connect();
  const run = Date.now().toString(36);
  const seen = new Map<string, number>();
  try {
    // A new group starting at the end (earlier demo runs left records behind): it must own every
    // partition before the first record is sent, or that record would be skipped.
    const consumer = fleet.consumer({ groupId: `demo.${run}`, fromBeginning: false });
    await consumer.subscribe({ topics: [topic] });
    const assigned = () => Object.values(consumer.groupReports())[0]?.assignment.length ?? 0;
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = message.value?.toString() ?? '';
        if (value.startsWith(run)) seen.set(value, (seen.get(value) ?? 0) + 1);
      },
    });
    const ready = Date.now() + 30_000;
    while (assigned() < partitions && Date.now() < ready) await new Promise((r) => setTimeout(r, 100));
    let placedOn = '';
    for (let from = 0; from < count; from += 100) {
      const messages = Array.from({ length: Math.min(100, count - from) }, (_, i) => ({
        key: `customer-${(from + i) % 50}`,
        value: `${run}:${from + i}`,
      }));
      const [meta] = await fleet.producer().send({ topic, messages });
      placedOn = `${meta.clusterId} (epoch ${meta.epoch})`;
    }
    const deadline = Date.now() + 60_000;
    while (seen.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const duplicated = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
    return { produced: count, consumed: seen.size, lost: count - seen.size, duplicated, placedOn };
  } finally {
    await fleet.disconnect();
  }
}
