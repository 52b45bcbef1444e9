/**
 * Every key shares the `{kf}` hash tag, so in Redis Cluster they live in one slot and the atomic
 * Lua mutations (entity + version + change feed + audit in one step) remain legal. Fleet metadata
 * is small (25k topics ≈ tens of MB), so one slot is a fine price for atomicity.
 */
const TAG = '{kf}';
export const FleetKeys = {
  version: `${TAG}:version`,
  changes: `${TAG}:changes`,
  audit: `${TAG}:audit`,
  clusters: `${TAG}:clusters`,
  topics: `${TAG}:topics`,
  apps: `${TAG}:apps`,
  /** Operator-set consumer group controls (pause), by group id. */
  groups: `${TAG}:groups`,
  partitions: `${TAG}:partitions`,
  instances: `${TAG}:instances`,
  instanceLeases: `${TAG}:instance-leases`,
  /** Shuffle records by id (kept after they finish: the history SREs and audits look at). */
  migrations: `${TAG}:migrations`,
  /** Ids of shuffles not yet finished: what the orchestrator resumes after a restart. */
  migrationsActive: `${TAG}:migrations:active`,
  /** Which replica drives a shuffle right now (a lease, so a dead replica's shuffle is taken over). */
  migrationLock: (id: string) => `${TAG}:migration-lock:${id}`,
  /** Rebalance plans by id (kept after they finish, like shuffles). */
  rebalancePlans: `${TAG}:rebalance-plans`,
  /** Ids of plans executing, paused or cancelling: what the plan executor resumes after a restart. */
  rebalancePlansActive: `${TAG}:rebalance-plans:active`,
  /** Which replica drives a plan right now (a lease, like a shuffle's). */
  rebalancePlanLock: (id: string) => `${TAG}:rebalance-plan-lock:${id}`,
  /** Logical topics placed on a cluster: guards cluster deletion, drives partition sync. */
  placement: (clusterId: string) => `${TAG}:placement:${clusterId}`,
} as const;

export type EntityKind = 'cluster' | 'topic' | 'app' | 'group';
export const ENTITY_HASH: Record<EntityKind, string> = {
  cluster: FleetKeys.clusters,
  topic: FleetKeys.topics,
  app: FleetKeys.apps,
  group: FleetKeys.groups,
};
