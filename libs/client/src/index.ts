export * from './backends/kafkajs/fleet-partitioner';
export * from './backends/kafkajs/send-completely';
