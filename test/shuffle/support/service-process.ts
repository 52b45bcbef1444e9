/**
 * A config service replica in a process of its own, so a test can SIGSTOP and SIGCONT it (a
 * replica paused past its lease: a long GC, a frozen VM) or SIGKILL it. Configured by one JSON
 * argument (its environment); prints `listening <url>` once it serves.
 */
import { loadServiceConfig } from '../../../apps/config-service/src/config/service-config';
import { startConfigService } from '../../../apps/config-service/src/service-app';

async function main(): Promise<void> {
  const env = JSON.parse(process.argv[2]) as Record<string, string>;
  const app = await startConfigService(loadServiceConfig(env));
  process.stdout.write(`listening ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`service process failed: ${(error as Error).message}\n`);
  process.exit(1);
});
