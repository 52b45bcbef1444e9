import { createHash } from 'node:crypto';
import type { AssignedPartition, GroupReport } from '@kafka-fleet/contracts';
import {
  DEFAULT_STORM_POLICY,
  RebalanceStormDetector,
  createSeededRandom,
  joinBackoffMs,
  type RandomSource,
  type StormPolicy,
} from '@kafka-fleet/core';
import type { BackendName } from '../backends/backend-port';
import type { ClientMetrics } from '../metrics/client-metrics';

/**
 * One consumer group member's view of its group: rebalances, time waiting for partitions, storm
 * state and the join back-off it implies. The decisions live in core's detector; this class adds
 * the metrics and the report the heartbeat carries.
 */
export class GroupMonitor {
  private readonly detector: RebalanceStormDetector;
  private readonly rng: RandomSource;
  private stormJoins = 0;
  private rebalancesTotal = 0;
  private backend: BackendName = 'kafkajs';
  private staticMembership = false;

  constructor(
    private readonly groupId: string,
    instanceId: string,
    private readonly metrics: ClientMetrics,
    private readonly policy: StormPolicy = DEFAULT_STORM_POLICY,
    now: () => number = Date.now,
  ) {
    this.detector = new RebalanceStormDetector(policy, now);
    // Seeded per instance: reproducible for one member, different between members of the group.
    this.rng = createSeededRandom(createHash('sha1').update(instanceId).digest().readUInt32BE(0));
  }

  /**
   * How long to wait before (re)joining: 0 normally, a growing jittered delay while the member is
   * in a storm, so a group that keeps rebalancing is not fed a fresh join every time.
   */
  joinDelayMs(): number {
    const view = this.detector.view();
    this.publishStorm(view.storm);
    if (!view.storm) {
      this.stormJoins = 0;
      return 0;
    }
    return joinBackoffMs(this.stormJoins++, this.policy, this.rng);
  }

  joining(backend: BackendName, staticMembership: boolean): void {
    this.backend = backend;
    this.staticMembership = staticMembership;
    this.detector.joining();
  }

  /** `ownJoin`: the first assignment after this member started a lane (see the detector). */
  assigned(rebalanceMs: number, ownJoin = false): void {
    const labels = { group: this.groupId, backend: this.backend };
    this.rebalancesTotal += 1;
    this.metrics.rebalances.inc(labels);
    this.metrics.rebalanceDuration.observe(labels, rebalanceMs / 1000);
    this.metrics.unassignedTime.inc(labels, rebalanceMs / 1000);
    this.detector.assigned(ownJoin);
    this.publishStorm(this.detector.view().storm);
  }

  left(): void {
    this.detector.left();
  }

  report(paused: boolean, assignment: AssignedPartition[]): GroupReport {
    const view = this.detector.view();
    this.publishStorm(view.storm);
    return {
      state: paused ? 'paused' : view.unassignedMs > 0 ? 'rebalancing' : 'stable',
      backend: this.backend,
      staticMembership: this.staticMembership,
      assignment,
      rebalancesLastMinute: view.rebalancesLastMinute,
      rebalancesTotal: this.rebalancesTotal,
      secondsWithoutAssignment: view.unassignedMs / 1000,
      storm: view.storm,
    };
  }

  private publishStorm(storm: boolean): void {
    this.metrics.rebalanceStorm.set({ group: this.groupId, backend: this.backend }, storm ? 1 : 0);
  }
}
