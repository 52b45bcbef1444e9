/**
 * A producer instance in a process of its own, so a test can SIGKILL it mid-shuffle: it sends
 * keyed, sequence-numbered records through the fleet client and prints `ack <seq>` for every
 * record acknowledged, nothing else. Configured by one JSON argument.
 */
import { createFleetClient } from '@kafka-fleet/client';
import { recordFor } from './traffic';

interface Settings {
  serviceUrl: string;
  appId: string;
  token: string;
  topic: string;
  name: string;
  instanceId: string;
  leaseMs: number;
}

async function main(): Promise<void> {
  const s = JSON.parse(process.argv[2]) as Settings;
  const fleet = createFleetClient({
    serviceUrl: s.serviceUrl,
    appId: s.appId,
    token: s.token,
    instanceId: s.instanceId,
    leaseMs: s.leaseMs,
    heartbeatIntervalMs: 500,
    pollIntervalMs: 1000,
  });
  await fleet.connect();
  const producer = fleet.producer();
  for (let seq = 0; ; seq++) {
    try {
      await producer.send({ topic: s.topic, messages: [recordFor(s.name, seq)] });
      process.stdout.write(`ack ${seq}\n`);
    } catch {
      // Unacknowledged: not reported, so the test does not count it as produced.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

void main();
