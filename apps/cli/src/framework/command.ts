import type { ExitCode } from '../errors/exit-codes';
import type { FleetApi } from '../http/fleet-api';
import type { Output } from '../output/output';
import type { Clock } from './clock';
import type { ParsedArgs } from './parsed-args';
import type { ResolvedConfig } from '../config/config-resolver';

/**
 * How a flag is read. `strings` repeats and splits on commas (`--bootstrap a:1,b:2`); `pairs`
 * repeats `key=value` without splitting, because Kafka config values may contain commas
 * (`cleanup.policy=compact,delete`).
 */
export type OptionType = 'string' | 'boolean' | 'int' | 'strings' | 'pairs';

export interface OptionSpec {
  readonly type: OptionType;
  readonly description: string;
  readonly short?: string;
  /** Missing required flags are usage errors (exit 2), caught before any request is sent. */
  readonly required?: boolean;
  /** Placeholder shown in help, e.g. `<id>`. @default derived from the type */
  readonly valueName?: string;
  /** Allowed values of a `string` flag; anything else is a usage error listing them. */
  readonly choices?: readonly string[];
}

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  /** @default true */
  readonly required?: boolean;
}

/** What every command gets: the API, the output, the resolved config, cancellation and time. */
export interface CommandContext {
  readonly api: FleetApi;
  readonly out: Output;
  readonly config: ResolvedConfig;
  /** Aborted on SIGINT/SIGTERM: follow loops stop and the command returns normally. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

/**
 * One command, e.g. `fleet topics onboard`.
 */
export interface CommandSpec {
  /** Words that select the command: `['topics', 'onboard']`, or `['whoami']`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Longer help text, shown by `--help`. */
  readonly description?: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options?: Readonly<Record<string, OptionSpec>>;
  readonly examples?: readonly string[];
  /** Returning nothing means success; a command may return another exit code (e.g. not ready). */
  run(ctx: CommandContext, args: ParsedArgs): Promise<ExitCode | void>;
}

/**
 * A command module: one file, one export, one line in `command-registry.ts`. Its commands usually
 * share a first word (`clusters …`), which `summary` describes in the group's help.
 */
export interface CommandModule {
  readonly summary: string;
  readonly commands: readonly CommandSpec[];
}
