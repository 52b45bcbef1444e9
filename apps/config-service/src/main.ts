import { ConfigError, loadServiceConfig } from './config/service-config';
import { startConfigService } from './service-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadServiceConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(JSON.stringify({ level: 'fatal', msg: error.message }));
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await startConfigService(config);
  console.log(JSON.stringify({ level: 'log', msg: 'config service listening', url: await app.getUrl() }));
  // A stuck shutdown must not outlive the pod's grace period.
  const guard = () => setTimeout(() => process.exit(1), config.shutdownGraceMs).unref();
  process.once('SIGTERM', guard);
  process.once('SIGINT', guard);
}

main().catch((error: unknown) => {
  console.error(
    JSON.stringify({
      level: 'fatal',
      msg: 'config service failed to start',
      error: (error as Error).message,
    }),
  );
  process.exit(1);
});
