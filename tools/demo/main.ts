import { rawKafkaJs } from '../raw-backends/raw-kafkajs';
import { rawRdkafka } from '../raw-backends/raw-rdkafka';
import { createTopic } from '../raw-backends/topic-admin';
import { defineStack } from '../stack/stack-definition';
import {
  DEMO_APP,
  localTokens,
  serviceSpec,
  startConfigServiceDaemon,
} from '../stack/config-service-process';
import { fleetRoundTrip } from './fleet-roundtrip';
import { stackUp } from '../stack/stack-control';
import { registerFleet } from './register-fleet';
import { shuffleUnderLoad } from './shuffle-under-load';

/**
 * The README's main command: bring the local stack up from nothing, start the config service on
 * it and register the clusters, a topic and an app; on every cluster produce a keyed batch with
 * each backend and read it back with the other; round-trip the logical topic through the fleet
 * client; then shuffle it to the other cluster under load and print the counts.
 */
const RECORDS = 1000;

async function main(): Promise<void> {
  const stack = defineStack();
  const started = Date.now();
  await stackUp(stack, (line) => console.log(line));
  const url = await startConfigServiceDaemon(stack);
  console.log(
    `service  config service at ${url} (API docs: ${url}/docs; tokens: ${serviceSpec(stack).tokensFile})`,
  );
  const operator = localTokens(stack).operator;
  for (const line of await registerFleet(url, operator, stack, 'demo.orders')) console.log(line);
  const resolved = (await fetch(`${url}/v1/resolve?topic=demo.orders`, {
    headers: { authorization: `Bearer ${operator}` },
  }).then((r) => r.json())) as { clusterId: string; physicalTopic: string; epoch: number };
  console.log(
    `resolve  demo.orders -> ${resolved.clusterId}/${resolved.physicalTopic} (epoch ${resolved.epoch})`,
  );
  console.log(
    `stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (logs: ${stack.stateDir}/logs)\n`,
  );

  const kafkajs = rawKafkaJs({ completeSends: true });
  for (const cluster of stack.clusters) {
    for (const [producer, consumer] of [
      [kafkajs, rawRdkafka],
      [rawRdkafka, kafkajs],
    ] as const) {
      const topic = `demo.${cluster.name}.${producer.name.replace(/[^a-z]/g, '')}.${Date.now().toString(36)}`;
      await createTopic(cluster, topic, 6);
      const messages = Array.from({ length: RECORDS }, (_, i) => ({
        key: `customer-${i % 100}`,
        value: `order-${i}`,
      }));
      const t0 = Date.now();
      await producer.produce(cluster, topic, messages);
      const produceMs = Date.now() - t0;
      const records = await consumer.consume(cluster, topic, RECORDS);
      const distinct = new Set(records.map((r) => r.value)).size;
      console.log(
        `${cluster.name.padEnd(6)} ${producer.name.padEnd(22)} -> ${consumer.name.padEnd(22)} ` +
          `produced ${RECORDS} in ${produceMs} ms, consumed ${records.length} (${distinct} distinct, ` +
          `lost ${RECORDS - distinct})`,
      );
      if (distinct !== RECORDS) process.exitCode = 1;
    }
  }
  const trip = await fleetRoundTrip(url, DEMO_APP, localTokens(stack).demoApp, 'demo.orders', RECORDS);
  console.log(
    `\nfleet client (app ${DEMO_APP}) logical topic demo.orders -> ${trip.placedOn}: ` +
      `produced ${trip.produced}, consumed ${trip.consumed}, lost ${trip.lost}, duplicated ${trip.duplicated}`,
  );
  if (trip.lost !== 0 || trip.duplicated !== 0) process.exitCode = 1;

  const shuffle = await shuffleUnderLoad(
    url,
    operator,
    { id: DEMO_APP, token: localTokens(stack).demoApp },
    'demo.shuffled',
    stack.clusters.map((c) => c.name),
    (line) => console.log(line),
  );
  console.log(
    `\nshuffle  ${shuffle.topic} ${shuffle.from} -> ${shuffle.to} in ${(shuffle.durationMs / 1000).toFixed(2)} s under load: ` +
      `produced ${shuffle.produced}, consumed ${shuffle.consumed}, lost ${shuffle.lost}, ` +
      `duplicated ${shuffle.duplicated}, per-key order violations ${shuffle.orderViolations}`,
  );
  if (shuffle.lost !== 0 || shuffle.duplicated !== 0 || shuffle.orderViolations !== 0) process.exitCode = 1;
  console.log('\nstack and config service still running: `npm run stack:down` stops them.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
