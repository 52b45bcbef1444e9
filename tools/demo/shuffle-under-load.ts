import { createFleetClient, type FleetClient } from '@kafka-fleet/client';
import type { Migration } from '@kafka-fleet/contracts';

export interface ShuffleDemoResult {
  readonly topic: string;
  readonly from: string;
  readonly to: string;
  readonly durationMs: number;
  readonly produced: number;
  readonly consumed: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly orderViolations: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The story's last act: two producer instances write keyed, numbered records to a logical topic
 * while a consumer group of two reads it; an SRE shuffles the topic to the other cluster through
 * the API; then the counts show what arrived. Phases are printed as the service reports them.
 */
export async function shuffleUnderLoad(
  serviceUrl: string,
  operatorToken: string,
  app: { id: string; token: string },
  topicPrefix: string,
  clusters: readonly string[],
  log: (line: string) => void,
): Promise<ShuffleDemoResult> {
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${serviceUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  const run = Date.now().toString(36);
  // A topic of its own per run: readers start from the beginning without wading through earlier runs.
  const topic = `${topicPrefix}.${run}`;
  await api('POST', '/v1/topics', { name: topic, owner: 'demo', partitions: 6, clusterId: clusters[0] });
  const {
    createdAt: _c,
    updatedAt: _u,
    ...profile
  } = await api<Record<string, unknown>>('GET', `/v1/apps/${app.id}`);
  const topics = {
    ...(profile.topics as Record<string, unknown>),
    [topic]: { produce: true, consume: true },
  };
  await api('PUT', `/v1/apps/${app.id}`, { ...profile, topics });
  const clients: FleetClient[] = [];
  const connect = async () => {
    const fleet = createFleetClient({
      serviceUrl,
      appId: app.id,
      token: app.token,
      heartbeatIntervalMs: 1000,
    });
    clients.push(fleet);
    await fleet.connect();
    return fleet;
  };
  const seen = new Map<number, number>();
  const lastPerKey = new Map<string, number>();
  let orderViolations = 0;
  const acked: number[] = [];
  let stopping = false;
  try {
    for (let i = 0; i < 2; i++) {
      const consumer = (await connect()).consumer({ groupId: `demo.shuffle.${run}` });
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const seq = Number((message.value?.toString() ?? '').split(':')[1]);
          seen.set(seq, (seen.get(seq) ?? 0) + 1);
          const key = message.key?.toString() ?? '';
          if ((lastPerKey.get(key) ?? -1) > seq) orderViolations++;
          lastPerKey.set(key, Math.max(lastPerKey.get(key) ?? -1, seq));
        },
      });
    }
    let next = 0;
    const producing = Promise.all(
      [0, 1].map(async (p) => {
        const producer = (await connect()).producer();
        while (!stopping) {
          // Each instance owns its keys, so per-key order is defined by its own sequence.
          const seqs = Array.from({ length: 10 }, () => next++);
          await producer
            .send({
              topic,
              messages: seqs.map((s) => ({ key: `customer-${p}-${s % 25}`, value: `${run}:${s}` })),
            })
            .then(() => acked.push(...seqs))
            .catch(() => undefined); // unacknowledged: not counted as produced
          await sleep(20);
        }
      }),
    ).then(() => undefined);
    await sleep(3000);

    const placed = await api<{ placement: { clusterId: string } }>('GET', `/v1/topics/${topic}`);
    const from = placed.placement.clusterId;
    const to = clusters.find((c) => c !== from) ?? from;
    log(`shuffle  ${topic}: ${from} -> ${to} under load (${acked.length} records acknowledged so far)`);
    const started = await api<Migration>('POST', `/v1/topics/${topic}/migrations`, { targetClusterId: to });
    let current = started;
    let shown = '';
    while (!['done', 'failed', 'aborted'].includes(current.phase)) {
      await sleep(50);
      current = await api<Migration>('GET', `/v1/topics/${topic}/migrations/${started.id}`);
      const line = `${current.phase} (producers acknowledged ${current.producersAcknowledged.length}, groups drained ${current.groupsDrained.length}/${current.groups.length})`;
      if (line !== shown) log(`         ${line}`);
      shown = line;
    }
    await sleep(2000);
    stopping = true;
    await producing;
    const deadline = Date.now() + 60_000;
    while (acked.some((s) => !seen.has(s)) && Date.now() < deadline) await sleep(100);
    const history = current.history;
    return {
      topic,
      from,
      to,
      durationMs: history[history.length - 1].enteredAt - history[0].enteredAt,
      produced: acked.length,
      consumed: acked.filter((s) => seen.has(s)).length,
      lost: acked.filter((s) => !seen.has(s)).length,
      duplicated: [...seen.values()].reduce((n, c) => n + c - 1, 0),
      orderViolations,
    };
  } finally {
    stopping = true;
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  }
}
