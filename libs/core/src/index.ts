export * from './errors/kafka-fleet-error';
export * from './partitioning/murmur2-partitioner';
