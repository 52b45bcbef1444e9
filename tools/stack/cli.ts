import { defineStack } from './stack-definition';
import { stackDown, stackStatus, stackUp } from './stack-control';

/** `tsx tools/stack/cli.ts up|down|status` — the local stack of real Kafka clusters and Redis. */
async function main(command: string | undefined): Promise<void> {
  const stack = defineStack();
  const log = (line: string): void => console.log(line);
  switch (command) {
    case 'up': {
      const started = Date.now();
      await stackUp(stack, log);
      log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${stack.stateDir}/logs`);
      return;
    }
    case 'down':
      await stackDown(stack, log);
      return;
    case 'status': {
      const status = stackStatus(stack);
      log(`redis    ${status.redis ? 'running' : 'stopped'} on ${stack.redis.host}:${stack.redis.port}`);
      for (const cluster of status.clusters) {
        const spec = stack.clusters.find((c) => c.name === cluster.name);
        log(
          `kafka    ${cluster.name.padEnd(6)} ${cluster.running}/${cluster.total} running  ${spec?.bootstrapServers.join(',')}`,
        );
      }
      return;
    }
    default:
      console.error('usage: stack up | down | status');
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
