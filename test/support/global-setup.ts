import { defineStack } from '../../tools/stack/stack-definition';
import { isStackRunning, stackUp } from '../../tools/stack/stack-control';

/**
 * Starts the real stack (Redis + Kafka clusters) before the integration project runs.
 * KF_STACK_REUSE=1 insists on a stack that is already up (fails fast instead of starting one);
 * KF_STACK_KEEP=1 leaves a stack this run started running afterwards, for quick re-runs.
 */
export default async function globalSetup(): Promise<void> {
  const stack = defineStack();
  const wasRunning = isStackRunning(stack);
  if (process.env.KF_STACK_REUSE === '1' && !wasRunning) {
    throw new Error('KF_STACK_REUSE=1 but the stack is not running: start it with `npm run stack:up`.');
  }
  const started = Date.now();
  await stackUp(stack, (line) => process.stdout.write(`  ${line}\n`));
  process.stdout.write(
    `  stack ${wasRunning ? 'reused' : 'started'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  (globalThis as { __kfStartedStack?: boolean }).__kfStartedStack = !wasRunning;
}
