import { defineStack } from '../../tools/stack/stack-definition';
import { stackDown } from '../../tools/stack/stack-control';

/** Stops the stack only if this run started it (and KF_STACK_KEEP is not set). */
export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __kfStartedStack?: boolean }).__kfStartedStack === true;
  if (started && process.env.KF_STACK_KEEP !== '1') await stackDown(defineStack());
}
