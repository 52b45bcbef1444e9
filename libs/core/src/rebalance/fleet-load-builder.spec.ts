import { buildFleetLoad, type LoadModelOptions } from './fleet-load-builder';

const OPTIONS: LoadModelOptions = {
  averageRecordBytes: 1000,
  defaultCapacity: { partitions: 1000, bytesInPerSec: 1e6, bytesOutPerSec: 3e6, storageBytes: 1e9 },
};
const cluster = (id: string, status = 'active', capacity = {}) => ({
  id,
  region: 'eu',
  environment: 'prod',
  status,
  capacity,
});

describe('buildFleetLoad', () => {
  it('sums reported rates per topic, estimates storage from retained records, and sums per cluster', () => {
    const built = buildFleetLoad(
      [cluster('a', 'active', { maxPartitions: 100 }), cluster('b')],
      [
        { name: 'x', clusterId: 'a', partitions: 10, migrating: false, retainedRecords: 500 },
        { name: 'y', clusterId: 'a', partitions: 20, migrating: true },
        { name: 'z', clusterId: 'b', partitions: 5, migrating: false, retainedRecords: 10 },
      ],
      [
        { rates: { x: { produceBytesPerSec: 100, consumeBytesPerSec: 200 } } },
        {
          rates: {
            x: { produceBytesPerSec: 50, consumeBytesPerSec: 0 },
            z: { produceBytesPerSec: 1, consumeBytesPerSec: 2 },
          },
        },
      ],
      OPTIONS,
    );
    expect(built.fleet.topics).toEqual([
      {
        name: 'x',
        cluster: 'a',
        partitions: 10,
        bytesInPerSec: 150,
        bytesOutPerSec: 200,
        storageBytes: 500_000,
      },
      {
        name: 'y',
        cluster: 'a',
        partitions: 20,
        bytesInPerSec: 0,
        bytesOutPerSec: 0,
        storageBytes: 0,
        pinned: true,
      },
      { name: 'z', cluster: 'b', partitions: 5, bytesInPerSec: 1, bytesOutPerSec: 2, storageBytes: 10_000 },
    ]);
    const [a, b] = built.clusters;
    expect(a.load).toEqual({
      bytesInPerSec: 150,
      bytesOutPerSec: 200,
      storageBytes: 500_000,
      partitions: 30,
    });
    expect(a.capacity.partitions).toBe(100);
    expect(a.defaultedCapacity).toEqual(['bytesInPerSec', 'bytesOutPerSec', 'storageBytes']);
    // Partitions decide: 30 of 100.
    expect(a.utilisation).toBeCloseTo(0.3, 10);
    expect(b.topics).toBe(1);
    expect(b.utilisation).toBeCloseTo(5 / 1000, 10);
  });

  it('marks clusters that are not active as draining so no topic is sent there', () => {
    const built = buildFleetLoad([cluster('a'), cluster('b', 'maintenance')], [], [], OPTIONS);
    expect(built.fleet.clusters.map((c) => c.draining)).toEqual([undefined, true]);
  });

  it('leaves out topics of clusters that are no longer registered', () => {
    const built = buildFleetLoad(
      [cluster('a')],
      [{ name: 'x', clusterId: 'gone', partitions: 1, migrating: false }],
      [],
      OPTIONS,
    );
    expect(built.fleet.topics).toEqual([]);
  });
});
