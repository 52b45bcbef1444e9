import type { ClusterLoad, FleetLoad, TopicLoad } from '@kafka-fleet/contracts';
import { randomInt, type RandomSource } from '../../random/random-source';

export interface FleetShape {
  readonly clusters: number;
  readonly topics: number;
  /** @default 3 */
  readonly regions?: number;
  /** @default ['prod', 'staging'] */
  readonly environments?: readonly string[];
  /** Clusters that attract more than their share of topics. @default clusters / 20, at least 1 */
  readonly hotClusters?: number;
  /** How much more likely a hot cluster is to hold a topic, per unit of capacity. @default 2.2 */
  readonly hotFactor?: number;
  /** Fleet-wide load / capacity the capacities are scaled to. @default 0.45 */
  readonly meanUtilisation?: number;
  /** Fraction of topics marked pinned. @default 0 */
  readonly pinnedShare?: number;
  /** Every topic carries the same load (only placement is skewed): many moves tie. @default false */
  readonly uniformTopics?: boolean;
}

const SIZE_CLASSES = [1, 2, 4];
const RETENTION_SECONDS = [86_400, 3 * 86_400, 7 * 86_400];

/**
 * A synthetic fleet for tests and benchmarks, reproducible from the random source: clusters of
 * three sizes over regions and environments, topic rates log-normally distributed (a long tail of
 * busy topics, as real fleets have), placed by capacity with a few hot clusters over-weighted, and
 * capacities scaled so the fleet-wide load sits at `meanUtilisation`.
 */
export function generateFleet(shape: FleetShape, rng: RandomSource): FleetLoad {
  const regions = shape.regions ?? 3;
  const environments = shape.environments ?? ['prod', 'staging'];
  const hotCount = shape.hotClusters ?? Math.max(1, Math.round(shape.clusters / 20));
  const hotFactor = shape.hotFactor ?? 2.2;
  const meanUtilisation = shape.meanUtilisation ?? 0.45;
  const pad = (i: number, n: number) => String(i).padStart(String(n - 1).length, '0');

  const sizes = Array.from(
    { length: shape.clusters },
    () => SIZE_CLASSES[randomInt(rng, SIZE_CLASSES.length)],
  );
  const hot = new Set<number>();
  while (hot.size < Math.min(hotCount, shape.clusters)) hot.add(randomInt(rng, shape.clusters));
  const weights = sizes.map((s, i) => s * (hot.has(i) ? hotFactor : 1));
  let running = 0;
  const cumulative = weights.map((w) => (running += w));

  const clusterIds = sizes.map((_, i) => `c-${pad(i, shape.clusters)}`);
  const topics: TopicLoad[] = Array.from({ length: shape.topics }, (_, i) => {
    const cluster = clusterIds[pick(cumulative, rng.next() * cumulative[cumulative.length - 1])];
    const name = `t-${pad(i, shape.topics)}`;
    if (shape.uniformTopics) {
      return { name, cluster, partitions: 6, bytesInPerSec: 1e6, bytesOutPerSec: 2e6, storageBytes: 5e10 };
    }
    const bytesInPerSec = Math.round(200_000 * Math.exp(1.2 * clampedNormal(rng)));
    const topic: TopicLoad = {
      name,
      cluster,
      partitions: Math.max(1, Math.round(bytesInPerSec / 1_000_000)) * (1 + randomInt(rng, 6)),
      bytesInPerSec,
      bytesOutPerSec: bytesInPerSec * (1 + randomInt(rng, 3)),
      storageBytes: Math.round(
        bytesInPerSec * RETENTION_SECONDS[randomInt(rng, RETENTION_SECONDS.length)] * 0.3,
      ),
    };
    if (shape.pinnedShare && rng.next() < shape.pinnedShare) topic.pinned = true;
    return topic;
  });

  const totalSize = sizes.reduce((a, b) => a + b, 0);
  const total = (key: 'bytesInPerSec' | 'bytesOutPerSec' | 'storageBytes' | 'partitions') =>
    topics.reduce((sum, t) => sum + t[key], 0) / totalSize / meanUtilisation;
  const perSize = {
    bytesInPerSec: total('bytesInPerSec'),
    bytesOutPerSec: total('bytesOutPerSec'),
    storageBytes: total('storageBytes'),
    partitions: total('partitions'),
  };
  const clusters: ClusterLoad[] = sizes.map((size, i) => ({
    id: clusterIds[i],
    region: `region-${i % regions}`,
    environment: environments[Math.floor(i / regions) % environments.length],
    capacity: {
      bytesInPerSec: perSize.bytesInPerSec * size,
      bytesOutPerSec: perSize.bytesOutPerSec * size,
      storageBytes: perSize.storageBytes * size,
      partitions: perSize.partitions * size,
    },
  }));
  return { clusters, topics };
}

/** A standard normal draw (Box–Muller), clamped to ±3 so one freak topic cannot outgrow a cluster. */
function clampedNormal(rng: RandomSource): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.max(-3, Math.min(3, z));
}

/** Index of the first cumulative weight above `x`. */
function pick(cumulative: readonly number[], x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
