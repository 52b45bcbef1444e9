import { KafkaFleetError } from '@kafka-fleet/core';
import { EXIT, type ExitCode } from '../errors/exit-codes';
import type { CommandContext } from '../framework/command';
import type { MigrationView } from '../http/api-schemas';
import { sanitize } from '../output/style';
import { follow } from '../progress/follow-loop';
import { createStatusWriter } from '../progress/live-status-writer';
import { isSettled, shuffleStatus } from './shuffle-status';

const POLL_INTERVAL_MS = 1000;

/**
 * The exit code a settled shuffle earns: `done` is success; `failed` and `aborted` end the
 * operation without the move, which a script waiting on it must not mistake for success.
 */
export function settledExitCode(m: Pick<MigrationView, 'phase'>): ExitCode {
  return m.phase === 'done' ? EXIT.ok : EXIT.operationFailed;
}

/**
 * Polls one shuffle until it settles, drawing its live status. Ctrl-C only stops the watching
 * (the shuffle goes on in the service), so it ends with 0 like every `--follow`.
 */
export async function followShuffle(
  ctx: CommandContext,
  topic: string,
  id: string,
  timeoutMs: number | undefined,
): Promise<ExitCode> {
  const { api, out } = ctx;
  // Progress goes to stderr under --json so stdout stays one JSON document.
  const sink = out.json ? out.stderr : out.stdout;
  const outcome = await follow({
    poll: async () => api.getShuffle(topic, id),
    view: (state) => shuffleStatus(state.data),
    isDone: (state) => isSettled(state.data),
    writer: createStatusWriter(sink, out.style),
    clock: ctx.clock,
    intervalMs: POLL_INTERVAL_MS,
    signal: ctx.signal,
    timeoutMs,
  });
  if (outcome.kind !== 'done') {
    if (outcome.kind === 'interrupted') {
      out.note(`stopped following; shuffle ${id} goes on (fleet shuffle status ${topic} ${id} --follow)`);
      return EXIT.ok;
    }
    throw new KafkaFleetError(
      'TIMEOUT',
      `shuffle ${id} still in phase "${outcome.state?.data.phase ?? 'unknown'}" after ${timeoutMs} ms; ` +
        'it goes on in the service',
      { retriable: true },
    );
  }
  const last = outcome.state;
  if (out.json) out.result(last.raw, () => []);
  const code = settledExitCode(last.data);
  if (code !== EXIT.ok) {
    const reason = last.data.lastError ? `: ${sanitize(last.data.lastError)}` : '';
    out.error([`shuffle ${id} of ${topic} ended ${last.data.phase}${reason}`]);
  }
  return code;
}
