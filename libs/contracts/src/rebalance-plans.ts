import type { ClusterCapacity, RebalancePlan, RebalancePlanRequest, TopicLoad } from './rebalance';

/**
 * A rebalance plan as a stored resource: proposed by a dry run, approved by an operator, then
 * executed wave by wave as topic shuffles. Every field lives in Redis, so a restarted service
 * resumes the plan where it stopped.
 */
export const PLAN_STATUSES = [
  'proposed',
  'approved',
  'executing',
  'paused',
  /** Cancelled while shuffles were running: those finish, no new one starts. */
  'cancelling',
  'cancelled',
  'done',
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const PLAN_MOVE_STATUSES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type PlanMoveStatus = (typeof PLAN_MOVE_STATUSES)[number];

/** One planned move and how its execution went. */
export interface PlanMoveProgress {
  readonly topic: string;
  readonly from: string;
  readonly to: string;
  /** Index into the plan's waves. */
  readonly wave: number;
  readonly status: PlanMoveStatus;
  /** The shuffle that carries the move (set once it was started). */
  readonly migrationId?: string;
  /** Why the move failed or was skipped (e.g. the topic moved since the plan was made). */
  readonly reason?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface RebalancePlanResource {
  readonly id: string;
  readonly status: PlanStatus;
  readonly request: RebalancePlanRequest;
  readonly plan: RebalancePlan;
  readonly moves: readonly PlanMoveProgress[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly approvedBy?: string;
  readonly executedBy?: string;
  readonly finishedAt?: string;
}

/** What `GET /v1/load` reports per cluster. */
export interface ClusterLoadView {
  readonly id: string;
  readonly region: string;
  readonly environment: string;
  readonly status: string;
  readonly capacity: ClusterCapacity;
  /** Which capacity dimensions were not registered and took the service default. */
  readonly defaultedCapacity: readonly (keyof ClusterCapacity)[];
  readonly load: ClusterCapacity;
  /** Max over dimensions of load / capacity (0.8 = 80 %). */
  readonly utilisation: number;
  readonly topics: number;
}

export interface FleetLoadView {
  readonly clusters: readonly ClusterLoadView[];
  readonly topics: readonly TopicLoad[];
  /** How `storageBytes` was obtained (it is an estimate; see the service's load model). */
  readonly storageSource: string;
  /** Live client instances whose heartbeats reported the rates. */
  readonly reportingInstances: number;
}
