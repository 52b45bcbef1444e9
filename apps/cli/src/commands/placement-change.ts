import { KafkaFleetError } from '@kafka-fleet/core';
import { EXIT, type ExitCode } from '../errors/exit-codes';
import type { CommandContext } from '../framework/command';
import type { InstanceRow } from '../http/api-schemas';
import { follow } from '../progress/follow-loop';
import type { LiveStatus } from '../progress/live-status';
import { createStatusWriter } from '../progress/live-status-writer';

const POLL_INTERVAL_MS = 1000;

/** Instances of the topic and how many of them already run `epoch`. */
export function epochProgress(topic: string, epoch: number, instances: readonly InstanceRow[]) {
  const users = instances.filter((i) => topic in i.appliedEpochs);
  const behind = users.filter((i) => (i.appliedEpochs[topic] ?? 0) < epoch);
  return { total: users.length, acknowledged: users.length - behind.length, behind };
}

export function epochStatus(topic: string, epoch: number, instances: readonly InstanceRow[]): LiveStatus {
  const progress = epochProgress(topic, epoch, instances);
  const done = progress.behind.length === 0;
  return {
    title: `placement of ${topic}`,
    phase: done ? 'applied' : 'waiting for instances',
    phaseTone: done ? 'good' : 'warn',
    bars: [{ label: `instances on epoch ${epoch}`, done: progress.acknowledged, total: progress.total }],
    fields: progress.behind.length
      ? [{ key: 'behind', value: progress.behind.map((i) => i.instanceId).join(', '), tone: 'warn' }]
      : [],
  };
}

/**
 * Re-points a topic with compare-and-set on the version just read (a concurrent change makes it
 * a 409, exit 4, never a blind overwrite), then optionally follows the instances.
 */
export async function changePlacement(
  ctx: CommandContext,
  name: string,
  clusterId: string,
  options: { physicalTopic?: string; wait: boolean; waitTimeoutMs: number },
): Promise<ExitCode | void> {
  const { api, out } = ctx;
  const current = await api.getTopic(name);
  const { data: moved, raw } = await api.changePlacement(name, {
    version: current.data.version,
    clusterId,
    physicalTopic: options.physicalTopic,
  });
  out.result(raw, () => [
    `topic ${name} now on ${moved.placement.clusterId} as ${moved.placement.physicalTopic}, epoch ${moved.epoch} ` +
      `(was ${current.data.placement.clusterId}, epoch ${current.data.epoch})`,
  ]);
  if (!options.wait) return;
  // Progress goes to stderr under --json so stdout stays one JSON document.
  const sink = out.json ? out.stderr : out.stdout;
  const outcome = await follow({
    poll: async () => (await api.listInstances({ topic: name })).data,
    view: (instances) => epochStatus(name, moved.epoch, instances),
    isDone: (instances) => epochProgress(name, moved.epoch, instances).behind.length === 0,
    writer: createStatusWriter(sink, out.style),
    clock: ctx.clock,
    intervalMs: POLL_INTERVAL_MS,
    signal: ctx.signal,
    timeoutMs: options.waitTimeoutMs,
  });
  if (outcome.kind === 'done') return;
  if (outcome.kind === 'interrupted') return EXIT.interrupted;
  throw new KafkaFleetError(
    'TIMEOUT',
    `instances still behind epoch ${moved.epoch} after ${options.waitTimeoutMs} ms`,
    {
      retriable: true,
    },
  );
}
