import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defineStack, type BrokerNode } from '../../tools/stack/stack-definition';

const run = promisify(execFile);

/** One record batch as the broker stored it on disk. */
export interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly codec: string;
}

/**
 * The record batches of one partition replica, read from the broker's segment files with Kafka's
 * own `DumpLogSegments`: what a client configured (compression, batching) is what lands on disk,
 * which no consumer API shows.
 */
export async function storedBatches(
  node: BrokerNode,
  topic: string,
  partition: number,
): Promise<StoredBatch[]> {
  const dir = join(node.dataDir, `${topic}-${partition}`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(dir, f));
  const { stdout } = await run(
    'java',
    ['-cp', `${defineStack().kafkaLibsDir}/*`, 'kafka.tools.DumpLogSegments', '--files', ...files],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const batches: StoredBatch[] = [];
  for (const line of stdout.split('\n')) {
    const m = /baseOffset: (\d+) lastOffset: (\d+).*compresscodec: (\w+)/.exec(line);
    if (m) batches.push({ baseOffset: Number(m[1]), lastOffset: Number(m[2]), codec: m[3].toLowerCase() });
  }
  return batches;
}
