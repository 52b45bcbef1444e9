import type { PartitionOffsets, Topic } from '@kafka-fleet/contracts';
import { readPhysicalTopic } from './physical-reader';
import type { ShuffleFixture } from './shuffle-fixture';
import type { Stamp } from './traffic';

interface Place {
  readonly clusterId: string;
  readonly physicalTopic: string;
  /** Per partition, the era's first offset (records below belong to an earlier one). */
  readonly floor?: PartitionOffsets;
  /** Per partition, where the era ends (records at or past it belong to none). */
  readonly fence?: PartitionOffsets;
}

const inside = (p: Place, partition: number, offset: string): boolean =>
  BigInt(offset) >= BigInt(p.floor?.[String(partition)] ?? '0') &&
  (p.fence === undefined || BigInt(offset) < BigInt(p.fence[String(partition)] ?? '0'));

/**
 * Reads back every physical topic the logical topic ever had (each era, then the current
 * placement) and checks each acknowledged record physically: inside exactly one era's bounds
 * (what consumers can be given), never only outside them (written where no consumer reads), and
 * never twice. Counts from the partitions, not from handlers: a duplicate outside an era's bounds
 * is invisible to every group, and would be missed by counting what they handled.
 */
export async function expectOnceInEras(
  fx: ShuffleFixture,
  owed: ReadonlyArray<{ readonly name: string; readonly acked: ReadonlySet<number> }>,
): Promise<{ read: number }> {
  const topic = (await fx.sre()<Topic>('GET', `/v1/topics/${fx.topic}`)).body;
  const places: Place[] = [...(topic.eras ?? []), { ...topic.placement, floor: topic.floor }];
  const inEras = new Map<string, number>();
  const outside = new Set<string>();
  let read = 0;
  for (const place of places) {
    const cluster = fx.clusters.find((c) => c.name === place.clusterId);
    if (!cluster) throw new Error(`no stack cluster ${place.clusterId}`);
    for (const r of await readPhysicalTopic(cluster, place.physicalTopic)) {
      read++;
      const stamp = JSON.parse(r.value) as Stamp;
      const id = `${stamp.producer}#${stamp.seq}`;
      if (inside(place, r.partition, r.offset)) inEras.set(id, (inEras.get(id) ?? 0) + 1);
      else outside.add(id);
    }
  }
  const ids = owed.flatMap((o) => [...o.acked].map((seq) => `${o.name}#${seq}`));
  const counts = {
    acknowledged: ids.length,
    lost: ids.filter((id) => !inEras.has(id)).length,
    onlyOutsideTheirEra: ids.filter((id) => !inEras.has(id) && outside.has(id)).length,
    duplicated: ids.reduce((n, id) => n + Math.max(0, (inEras.get(id) ?? 0) - 1), 0),
  };
  expect(counts).toEqual({ acknowledged: ids.length, lost: 0, onlyOutsideTheirEra: 0, duplicated: 0 });
  return { read };
}
