import type { FleetLoad, RebalanceGoals, RebalanceMode, SpreadStats } from '@kafka-fleet/contracts';
import { DIMENSION_COUNT, capacityVector, loadVector, moveBytes, utilisation } from './load-model';

// A module-local copy: the hot loops below run millions of times, and a bundler's live binding for
// an imported constant is a getter call on every read.
const D = DIMENSION_COUNT;

/** Float slack for goal checks, so a cluster at exactly the band edge is not judged by rounding. */
export const GOAL_EPSILON = 1e-9;

/**
 * The fleet as flat typed arrays indexed by cluster and topic number. Planning evaluates hundreds
 * of thousands of "what if this topic moved there" questions; answering each from a few array
 * reads (no maps, no allocation) is what keeps a 25,000-topic plan well under a second.
 */
export class FleetState {
  readonly clusterIds: string[];
  readonly clusterCount: number;
  readonly topicNames: string[];
  readonly capacity: Float64Array;
  readonly load: Float64Array;
  readonly util: Float64Array;
  /** Takes part in balancing: counted in the mean and the goals, may send and receive. */
  readonly participant: Uint8Array;
  readonly topicCluster: Int32Array;
  readonly topicLoad: Float64Array;
  readonly topicBytes: Float64Array;
  readonly movable: Uint8Array;
  /** Topics per cluster as placed at the start. */
  readonly topicsOf: number[][];
  /** Participants per constraint group (same region and/or environment as the goals ask). */
  readonly groups: number[][];
  readonly groupOf: Int32Array;

  constructor(fleet: FleetLoad, goals: RebalanceGoals, mode: RebalanceMode, pinned: ReadonlySet<string>) {
    const n = fleet.clusters.length;
    const index = new Map(fleet.clusters.map((c, i) => [c.id, i]));
    this.clusterIds = fleet.clusters.map((c) => c.id);
    this.clusterCount = n;
    this.topicNames = fleet.topics.map((t) => t.name);
    const m = fleet.topics.length;
    this.capacity = new Float64Array(n * D);
    fleet.clusters.forEach((c, i) => this.capacity.set(capacityVector(c.capacity), i * D));
    this.load = new Float64Array(n * D);
    this.util = new Float64Array(n);
    this.participant = new Uint8Array(n);
    this.topicCluster = new Int32Array(m);
    this.topicLoad = new Float64Array(m * D);
    this.topicBytes = new Float64Array(m);
    this.movable = new Uint8Array(m);
    this.topicsOf = fleet.clusters.map(() => []);
    fleet.topics.forEach((t, i) => {
      const c = index.get(t.cluster) as number;
      this.topicCluster[i] = c;
      this.topicsOf[c].push(i);
      this.topicLoad.set(loadVector(t), i * D);
      this.topicBytes[i] = moveBytes(t);
      this.movable[i] = pinned.has(t.name) ? 0 : 1;
    });
    this.recomputeLoads();
    const groupIndex = new Map<string, number>();
    this.groups = [];
    this.groupOf = new Int32Array(n);
    fleet.clusters.forEach((c, i) => {
      const drained = mode.kind === 'drain' && mode.cluster === c.id;
      this.participant[i] = c.draining || drained ? 0 : 1;
      const key = `${goals.sameRegion ? c.region : '*'}\u0000${goals.sameEnvironment ? c.environment : '*'}`;
      if (!groupIndex.has(key)) groupIndex.set(key, this.groups.push([]) - 1);
      this.groupOf[i] = groupIndex.get(key) as number;
      if (this.participant[i]) this.groups[this.groupOf[i]].push(i);
    });
  }

  /** Utilisation of cluster `c` if topic `t` were added (`sign` 1) or removed (`sign` -1). */
  utilWith(c: number, t: number, sign: 1 | -1): number {
    let max = 0;
    for (let d = 0; d < D; d++) {
      const u = (this.load[c * D + d] + sign * this.topicLoad[t * D + d]) / this.capacity[c * D + d];
      if (u > max) max = u;
    }
    return max;
  }

  /** Places topic `t` on cluster `to`, wherever it is now. */
  place(t: number, to: number): void {
    const from = this.topicCluster[t];
    for (let d = 0; d < D; d++) {
      const x = this.topicLoad[t * D + d];
      this.load[from * D + d] -= x;
      this.load[to * D + d] += x;
    }
    this.topicCluster[t] = to;
    this.util[from] = this.utilOf(from);
    this.util[to] = this.utilOf(to);
  }

  stats(util: ArrayLike<number> = this.util): SpreadStats {
    let count = 0;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let c = 0; c < this.clusterCount; c++) {
      if (!this.participant[c]) continue;
      const u = util[c];
      count++;
      sum += u;
      sumSq += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    if (count === 0) return { mean: 0, maxMinusMin: 0, stddev: 0 };
    const mean = sum / count;
    return { mean, maxMinusMin: max - min, stddev: Math.sqrt(Math.max(0, sumSq / count - mean * mean)) };
  }

  band(goals: RebalanceGoals): UtilisationBand {
    const { mean } = this.stats();
    return new UtilisationBand(
      mean - goals.tolerance,
      Math.min(mean + goals.tolerance, goals.maxUtilisation),
      mean,
    );
  }

  /** How far the fleet is from the goals: zero exactly when every goal is met. */
  violation(goals: RebalanceGoals): number {
    const band = this.band(goals);
    let total = 0;
    for (let c = 0; c < this.clusterCount; c++) {
      if (this.participant[c]) total += band.penalty(this.util[c]);
    }
    return total;
  }

  goalsMet(goals: RebalanceGoals): { spread: boolean; headroom: boolean } {
    const { mean } = this.stats();
    let spread = true;
    let headroom = true;
    for (let c = 0; c < this.clusterCount; c++) {
      if (!this.participant[c]) continue;
      if (Math.abs(this.util[c] - mean) > goals.tolerance + GOAL_EPSILON) spread = false;
      if (this.util[c] > goals.maxUtilisation + GOAL_EPSILON) headroom = false;
    }
    return { spread, headroom };
  }

  /**
   * Sums every cluster's load afresh from where each topic is. Thousands of incremental moves
   * leave rounding residue (a drained cluster at 1e-17 instead of 0); reports start from exact sums.
   */
  recomputeLoads(): void {
    this.load.fill(0);
    for (let t = 0; t < this.topicCluster.length; t++) {
      const c = this.topicCluster[t];
      for (let d = 0; d < D; d++) {
        this.load[c * D + d] += this.topicLoad[t * D + d];
      }
    }
    for (let c = 0; c < this.clusterCount; c++) this.util[c] = this.utilOf(c);
  }

  private utilOf(c: number): number {
    return utilisation(this.load.subarray(c * D, (c + 1) * D), this.capacity.subarray(c * D, (c + 1) * D));
  }
}

/** The utilisation range every participant should end in: around the mean, never above headroom. */
export class UtilisationBand {
  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly mean: number,
  ) {}

  /**
   * Squared distance of `u` outside the band. Squaring makes one far-off cluster weigh more than
   * several nearly-fine ones, so the planner fixes the worst first.
   */
  penalty(u: number): number {
    if (u > this.hi + GOAL_EPSILON) return (u - this.hi) ** 2;
    if (u < this.lo - GOAL_EPSILON) return (this.lo - u) ** 2;
    return 0;
  }
}
