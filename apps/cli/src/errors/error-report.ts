import { KafkaFleetError } from '@kafka-fleet/core';
import { CONFIG_ENV } from '../config/cli-config';
import { sanitize } from '../output/style';
import { ServiceError } from './cli-errors';

/**
 * The lines printed for a failed command: first a one-line summary (HTTP status, the service's
 * code and reason), then one line per refused field. Pure, so every case is unit-tested.
 */
export function describeError(error: unknown, context: { readonly tokenConfigured: boolean }): string[] {
  if (error instanceof ServiceError) {
    const lines = [`HTTP ${error.status} ${error.code}: ${sanitize(error.message)}`];
    for (const field of error.fields) lines.push(`  ${sanitize(field.path)}: ${sanitize(field.reason)}`);
    if (error.status === 401 && !context.tokenConfigured) {
      lines.push(
        `  no token configured: pass --token, set ${CONFIG_ENV.token}, or add "token" to the config context`,
      );
    }
    return lines;
  }
  if (error instanceof KafkaFleetError) return [sanitize(error.message)];
  return [`unexpected: ${sanitize(error instanceof Error ? error.message : String(error))}`];
}
