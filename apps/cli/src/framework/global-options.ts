import type { OptionSpec } from './command';

/** Flags every command accepts, anywhere on the line. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  url: {
    type: 'string',
    valueName: '<url>',
    description: 'config service URL (else $KAFKA_FLEET_URL, else config file)',
  },
  token: {
    type: 'string',
    valueName: '<token>',
    description:
      'bearer token (else $KAFKA_FLEET_TOKEN, else config file); flags are visible in ps, prefer those',
  },
  config: {
    type: 'string',
    valueName: '<path>',
    description: 'CLI config file (else $KAFKA_FLEET_CONFIG, else ~/.config/kafka-fleet/cli.json)',
  },
  context: {
    type: 'string',
    valueName: '<name>',
    description: "context in the config file (else $KAFKA_FLEET_CONTEXT, else the file's currentContext)",
  },
  json: { type: 'boolean', description: 'print the raw JSON the service returned, for scripts' },
  'no-color': {
    type: 'boolean',
    description: 'no colours (also off when NO_COLOR is set or stdout is not a TTY)',
  },
  'timeout-ms': { type: 'int', valueName: '<ms>', description: 'per-request timeout (default 30000)' },
  help: { type: 'boolean', short: 'h', description: 'show help for the command' },
};

export interface GlobalFlags {
  readonly url?: string;
  readonly token?: string;
  readonly config?: string;
  readonly context?: string;
  readonly json: boolean;
  readonly noColor: boolean;
  readonly timeoutMs?: number;
  readonly help: boolean;
}
