import { get, type IncomingMessage } from 'node:http';
import { percentile } from './http-load';

/**
 * Opens `count` SSE watchers, then measures, for each committed change, how long each watcher
 * took to receive it after the write was issued.
 */
export async function watchFanout(
  baseUrl: string,
  token: string,
  count: number,
  changes: number,
  write: () => Promise<number>,
): Promise<{
  watchers: number;
  deliveries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  missed: number;
}> {
  const arrivals = new Map<number, number[]>();
  const responses: IncomingMessage[] = [];
  let ready = 0;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = get(
            `${baseUrl}/v1/watch`,
            { agent: false, headers: { authorization: `Bearer ${token}` } },
            (res) => {
              responses.push(res);
              res.setEncoding('utf8');
              let buffer = '';
              res.on('data', (chunk: string) => {
                buffer += chunk;
                let end: number;
                while ((end = buffer.indexOf('\n\n')) >= 0) {
                  const block = buffer.slice(0, end);
                  buffer = buffer.slice(end + 2);
                  if (block.startsWith('event: hello')) {
                    ready++;
                    resolve();
                  } else if (block.includes('event: change')) {
                    const version = Number(/^id: (\d+)/m.exec(block)?.[1]);
                    const list = arrivals.get(version) ?? [];
                    list.push(performance.now());
                    arrivals.set(version, list);
                  }
                }
              });
            },
          );
          req.on('error', reject);
        }),
    ),
  );
  const latencies: number[] = [];
  let missed = 0;
  for (let i = 0; i < changes; i++) {
    const started = performance.now();
    const version = await write();
    const deadline = Date.now() + 10_000;
    while ((arrivals.get(version)?.length ?? 0) < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const got = arrivals.get(version) ?? [];
    missed += count - got.length;
    latencies.push(...got.map((t) => t - started));
    await new Promise((r) => setTimeout(r, 200));
  }
  responses.forEach((r) => r.destroy());
  latencies.sort((a, b) => a - b);
  return {
    watchers: ready,
    deliveries: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1],
    missed,
  };
}
