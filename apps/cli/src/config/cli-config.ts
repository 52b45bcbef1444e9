import { z } from 'zod';

const contextEntry = z
  .object({
    url: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

/**
 * `~/.config/kafka-fleet/cli.json`. Named contexts work like kubectl's; a file with just
 * `url`/`token` at the top is a single unnamed context.
 *
 * @example
 * { "currentContext": "local",
 *   "contexts": { "local": { "url": "http://127.0.0.1:18080", "token": "…" } } }
 */
export const cliConfigFile = contextEntry
  .extend({
    currentContext: z.string().min(1).optional(),
    contexts: z.record(z.string().min(1), contextEntry).optional(),
  })
  .strict();
export type CliConfigFile = z.infer<typeof cliConfigFile>;
export type ContextEntry = z.infer<typeof contextEntry>;

/** @default 30 s: onboarding waits for Kafka to create the topic, which takes seconds on a busy cluster. */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const CONFIG_ENV = {
  url: 'KAFKA_FLEET_URL',
  token: 'KAFKA_FLEET_TOKEN',
  config: 'KAFKA_FLEET_CONFIG',
  context: 'KAFKA_FLEET_CONTEXT',
} as const;
