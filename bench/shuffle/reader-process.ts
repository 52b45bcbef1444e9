/**
 * The benchmark's consumer group, in a process of its own: at 10k msgs/s the readers would
 * otherwise share the producer's event loop and inflate the very latencies being measured (the
 * raw baseline runs without them). Configured by one JSON argument; answers the parent over IPC.
 *
 * Parent → child: `{ type: 'verdict', acked: number[], timeoutMs }` once the load has stopped.
 * Child → parent: `{ type: 'ready' }` once every member runs, then the verdict.
 */
import { createFleetClient, type FleetClient } from '@kafka-fleet/client';

interface Settings {
  readonly serviceUrl: string;
  readonly appId: string;
  readonly token: string;
  readonly topic: string;
  readonly members: number;
}

export interface ReaderVerdict {
  readonly type: 'verdict';
  readonly consumed: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly orderViolations: number;
  /** The first few violations: where a key's record came after a later one of the same key. */
  readonly violations: ReadonlyArray<{
    key: string;
    seq: number;
    after: number;
    cluster: string;
    partition: number;
  }>;
}

const seen = new Map<number, number>();
const lastPerKey = new Map<string, number>();
const violations: Array<ReaderVerdict['violations'][number]> = [];
let orderViolations = 0;

async function main(): Promise<void> {
  const s = JSON.parse(process.argv[2]) as Settings;
  const fleets: FleetClient[] = [];
  for (let i = 0; i < s.members; i++) {
    const fleet = createFleetClient({
      serviceUrl: s.serviceUrl,
      appId: s.appId,
      token: s.token,
      heartbeatIntervalMs: 1000,
    });
    fleets.push(fleet);
    await fleet.connect();
    const consumer = fleet.consumer({ groupId: `${s.topic}.readers` });
    await consumer.subscribe({ topics: [s.topic] });
    await consumer.run({
      eachMessage: async ({ message, clusterId, partition }) => {
        const seq = Number(message.value?.toString().split(':')[0]);
        seen.set(seq, (seen.get(seq) ?? 0) + 1);
        const key = message.key?.toString() ?? '';
        const last = lastPerKey.get(key) ?? -1;
        if (last > seq) {
          orderViolations++;
          if (violations.length < 5)
            violations.push({ key, seq, after: last, cluster: clusterId, partition });
        }
        lastPerKey.set(key, Math.max(last, seq));
      },
    });
  }
  process.on('message', (msg: { type: string; acked: number[]; timeoutMs: number }) => {
    if (msg.type !== 'verdict') return;
    void verdict(msg.acked, msg.timeoutMs).then(async (v) => {
      process.send?.(v);
      await Promise.all(fleets.map((f) => f.disconnect()));
      process.exit(0);
    });
  });
  process.send?.({ type: 'ready' });
}

async function verdict(acked: number[], timeoutMs: number): Promise<ReaderVerdict> {
  const deadline = Date.now() + timeoutMs;
  while (acked.some((q) => !seen.has(q)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 250));
  return {
    type: 'verdict',
    consumed: seen.size,
    lost: acked.filter((q) => !seen.has(q)).length,
    duplicated: [...seen.values()].reduce((n, c) => n + (c - 1), 0),
    orderViolations,
    violations,
  };
}

void main();
