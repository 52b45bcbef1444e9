export * from './config/config-guardrails';
export * from './errors/fleet-errors';
export * from './errors/kafka-fleet-error';
export * from './partitioning/murmur2-partitioner';
export * from './resolution/change-replay';
export * from './resolution/snapshot-builder';
export * from './validation/validate';
export * from './resolution/route-table';
