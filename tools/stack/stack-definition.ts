import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

/**
 * The one description of the local stack. The stack scripts, the Jest harness, the demo and the
 * benchmarks all call {@link defineStack}, so a port or a cluster changes in exactly one place.
 * Everything is derived from a handful of environment variables, so two checkouts can run side by
 * side by moving `KF_STACK_PORT_BASE`.
 */
export interface BrokerNode {
  readonly nodeId: number;
  readonly host: string;
  /** Client (PLAINTEXT) listener. */
  readonly port: number;
  /** KRaft controller listener: every node is a combined broker + controller. */
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly configFile: string;
  readonly logFile: string;
  readonly pidFile: string;
}

export interface KafkaClusterSpec {
  /** Our name for the cluster (what the config service registers it as). */
  readonly name: string;
  /** KRaft cluster id: 16 bytes, base64url without padding, as `kafka-storage format -t` expects. */
  readonly kafkaClusterId: string;
  readonly brokers: readonly BrokerNode[];
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly bootstrapServers: readonly string[];
}

export interface RedisSpec {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
  readonly pidFile: string;
}

export interface StackDefinition {
  readonly rootDir: string;
  readonly stateDir: string;
  readonly kafkaLibsDir: string;
  readonly brokerHeapMb: number;
  readonly clusters: readonly KafkaClusterSpec[];
  readonly redis: RedisSpec;
}

export interface StackEnv {
  /** First client port; brokers take consecutive ports, controllers the same + 100. @default 19092 */
  KF_STACK_PORT_BASE?: string;
  /** @default 16379 */
  KF_REDIS_PORT?: string;
  /** Max heap per broker JVM. @default 512 */
  KF_BROKER_HEAP_MB?: string;
  /** Where pid files, data dirs and logs live. @default <repo>/.stack */
  KF_STACK_DIR?: string;
  /** Where the Kafka jars were copied by Maven. @default <repo>/.cache/kafka/libs */
  KF_KAFKA_LIBS?: string;
}

const LOOPBACK = '127.0.0.1';
const CLUSTER_SHAPES = [
  { name: 'alpha', brokers: 3 },
  { name: 'beta', brokers: 1 },
] as const;

export function defineStack(
  env: StackEnv = process.env,
  rootDir = resolve(__dirname, '../..'),
): StackDefinition {
  const portBase = readPort(env, 'KF_STACK_PORT_BASE', 19092);
  const redisPort = readPort(env, 'KF_REDIS_PORT', 16379);
  const brokerHeapMb = readInt(env, 'KF_BROKER_HEAP_MB', 512, 128, 16384);
  const stateDir = env.KF_STACK_DIR ? resolve(env.KF_STACK_DIR) : resolve(rootDir, '.stack');
  const kafkaLibsDir = env.KF_KAFKA_LIBS ? resolve(env.KF_KAFKA_LIBS) : resolve(rootDir, '.cache/kafka/libs');

  let nextPort = portBase;
  const clusters = CLUSTER_SHAPES.map(({ name, brokers: count }) => {
    const brokers = Array.from({ length: count }, (_, index): BrokerNode => {
      const port = nextPort++;
      const base = resolve(stateDir, 'kafka', name, `node-${index + 1}`);
      return {
        nodeId: index + 1,
        host: LOOPBACK,
        port,
        controllerPort: port + 100,
        dataDir: resolve(base, 'data'),
        configFile: resolve(base, 'server.properties'),
        logFile: resolve(stateDir, 'logs', `kafka-${name}-${index + 1}.log`),
        pidFile: resolve(base, 'kafka.pid'),
      };
    });
    // A single broker cannot replicate; three brokers keep acknowledged data with one down.
    const replicationFactor = Math.min(3, count);
    return {
      name,
      kafkaClusterId: kraftClusterId(name),
      brokers,
      replicationFactor,
      minInsyncReplicas: Math.max(1, replicationFactor - 1),
      bootstrapServers: brokers.map((b) => `${b.host}:${b.port}`),
    };
  });

  return {
    rootDir,
    stateDir,
    kafkaLibsDir,
    brokerHeapMb,
    clusters,
    redis: {
      host: LOOPBACK,
      port: redisPort,
      dataDir: resolve(stateDir, 'redis'),
      logFile: resolve(stateDir, 'logs', 'redis.log'),
      pidFile: resolve(stateDir, 'redis', 'redis.pid'),
    },
  };
}

/** Deterministic per name, so logs and metadata stay recognisable across runs. */
export function kraftClusterId(name: string): string {
  return createHash('sha256').update(`kafka-fleet:${name}`).digest().subarray(0, 16).toString('base64url');
}

function readPort(env: StackEnv, key: keyof StackEnv, fallback: number): number {
  return readInt(env, key, fallback, 1024, 65000);
}

function readInt(env: StackEnv, key: keyof StackEnv, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${key} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}
