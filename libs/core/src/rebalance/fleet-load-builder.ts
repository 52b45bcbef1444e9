import type { ClusterCapacity, ClusterLoadView, FleetLoad, TopicLoad } from '@kafka-fleet/contracts';
import { capacityVector, LOAD_DIMENSIONS, utilisation } from './load-model';

/** A registered cluster, as far as the load model needs it. */
export interface LoadSourceCluster {
  readonly id: string;
  readonly region: string;
  readonly environment: string;
  readonly status: string;
  readonly capacity: {
    readonly maxPartitions?: number;
    readonly maxBytesInPerSec?: number;
    readonly maxStorageBytes?: number;
  };
}

/** A logical topic where it lives now. */
export interface LoadSourceTopic {
  readonly name: string;
  readonly clusterId: string;
  readonly partitions: number;
  /** A topic in the middle of a shuffle cannot be moved again: the planner sees it pinned. */
  readonly migrating: boolean;
  /** Records retained on its cluster (sum over partitions of high − low watermark); unknown → 0. */
  readonly retainedRecords?: number;
}

/** Rates one client instance reported for each logical topic in its heartbeat. */
export interface RateReport {
  readonly rates: Readonly<
    Record<string, { readonly produceBytesPerSec: number; readonly consumeBytesPerSec: number }>
  >;
}

export interface LoadModelOptions {
  /**
   * Bytes one retained record is assumed to take on disk. KafkaJS has no DescribeLogDirs, so the
   * service cannot read a topic's size; retained records × this figure is an estimate of it.
   */
  readonly averageRecordBytes: number;
  /** Capacity used for a dimension a cluster did not register (bytes out cannot be registered). */
  readonly defaultCapacity: ClusterCapacity;
}

export interface BuiltLoad {
  /** The planner's input. */
  readonly fleet: FleetLoad;
  readonly clusters: ClusterLoadView[];
}

/**
 * Builds the fleet load the planner reads: per topic the produce rate (bytes in) and consume rate
 * (bytes out) summed over the live instances that reported it, its partitions and its estimated
 * size; per cluster the sums of its topics against its capacity. Clusters that are not active
 * (draining, maintenance, offline) are marked draining so the planner never sends them topics.
 */
export function buildFleetLoad(
  clusters: readonly LoadSourceCluster[],
  topics: readonly LoadSourceTopic[],
  reports: readonly RateReport[],
  options: LoadModelOptions,
): BuiltLoad {
  const rates = new Map<string, { bytesIn: number; bytesOut: number }>();
  for (const report of reports)
    for (const [topic, r] of Object.entries(report.rates)) {
      const sum = rates.get(topic) ?? { bytesIn: 0, bytesOut: 0 };
      sum.bytesIn += r.produceBytesPerSec;
      sum.bytesOut += r.consumeBytesPerSec;
      rates.set(topic, sum);
    }
  const known = new Set(clusters.map((c) => c.id));
  const topicLoads: TopicLoad[] = topics
    // A topic on a cluster that is no longer registered cannot be planned for; it is left out.
    .filter((t) => known.has(t.clusterId))
    .map((t) => ({
      name: t.name,
      cluster: t.clusterId,
      partitions: t.partitions,
      bytesInPerSec: rates.get(t.name)?.bytesIn ?? 0,
      bytesOutPerSec: rates.get(t.name)?.bytesOut ?? 0,
      storageBytes: (t.retainedRecords ?? 0) * options.averageRecordBytes,
      ...(t.migrating ? { pinned: true } : {}),
    }));

  const views: ClusterLoadView[] = clusters.map((c) => {
    const { capacity, defaulted } = capacityOf(c, options.defaultCapacity);
    const load: ClusterCapacity = { bytesInPerSec: 0, bytesOutPerSec: 0, storageBytes: 0, partitions: 0 };
    let count = 0;
    for (const t of topicLoads) {
      if (t.cluster !== c.id) continue;
      count++;
      for (const d of LOAD_DIMENSIONS) load[d] += t[d];
    }
    return {
      id: c.id,
      region: c.region,
      environment: c.environment,
      status: c.status,
      capacity,
      defaultedCapacity: defaulted,
      load,
      utilisation: utilisation(
        LOAD_DIMENSIONS.map((d) => load[d]),
        capacityVector(capacity),
      ),
      topics: count,
    };
  });

  return {
    fleet: {
      clusters: views.map((v) => ({
        id: v.id,
        region: v.region,
        environment: v.environment,
        capacity: v.capacity,
        ...(v.status !== 'active' ? { draining: true } : {}),
      })),
      topics: topicLoads,
    },
    clusters: views,
  };
}

function capacityOf(
  c: LoadSourceCluster,
  defaults: ClusterCapacity,
): { capacity: ClusterCapacity; defaulted: (keyof ClusterCapacity)[] } {
  const registered: Partial<ClusterCapacity> = {
    partitions: c.capacity.maxPartitions,
    bytesInPerSec: c.capacity.maxBytesInPerSec,
    storageBytes: c.capacity.maxStorageBytes,
  };
  const defaulted = LOAD_DIMENSIONS.filter((d) => registered[d] === undefined);
  return {
    capacity: {
      partitions: registered.partitions ?? defaults.partitions,
      bytesInPerSec: registered.bytesInPerSec ?? defaults.bytesInPerSec,
      bytesOutPerSec: defaults.bytesOutPerSec,
      storageBytes: registered.storageBytes ?? defaults.storageBytes,
    },
    defaulted,
  };
}
