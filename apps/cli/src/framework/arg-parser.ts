import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors/cli-errors';
import type { CommandSpec, OptionSpec } from './command';
import { GLOBAL_OPTIONS, type GlobalFlags } from './global-options';
import { ParsedArgs, type OptionValue } from './parsed-args';

export type ParseOutcome =
  | {
      readonly kind: 'run';
      readonly command: CommandSpec;
      readonly args: ParsedArgs;
      readonly globals: GlobalFlags;
    }
  /** `path` is empty for root help, one word for a group, or a whole command path. */
  | { readonly kind: 'help'; readonly path: readonly string[]; readonly globals: GlobalFlags };

/**
 * Splits the command words from the flags, then parses the flags with `node:util` parseArgs
 * (strict: unknown flags are usage errors). Global flags may appear anywhere on the line.
 */
export function parseCommandLine(argv: readonly string[], commands: readonly CommandSpec[]): ParseOutcome {
  const { words, wordIndexes } = leadingWords(argv);
  if (words[0] === 'help') {
    const path = words.slice(1);
    const known = path.length === 0 || commands.some((c) => path.every((w, i) => c.path[i] === w));
    if (!known) throw new UsageError(`unknown command "${path.join(' ')}"`, []);
    return { kind: 'help', path, globals: toGlobals({}) };
  }
  const command = longestMatch(words, commands);
  if (!command && words.length > 0) {
    const group = words[0];
    if (!commands.some((c) => c.path[0] === group)) throw new UsageError(`unknown command "${group}"`, []);
    if (words.length > 1) throw new UsageError(`unknown command "${group} ${words[1]}"`, [group]);
  }
  const pathLength = command?.path.length ?? 0;
  const rest = argv.filter((_, i) => !wordIndexes.slice(0, pathLength).includes(i));
  const commandOptions = command?.options ?? {};
  const parsed = parseFlags(rest, { ...GLOBAL_OPTIONS, ...commandOptions }, command?.path ?? words);
  const globals = toGlobals(parsed.values, command?.path ?? words);

  if (!command) {
    if (words.length === 0) return { kind: 'help', path: [], globals };
    if (!globals.help) throw new UsageError(`"${words[0]}" needs a subcommand`, words);
    return { kind: 'help', path: words, globals };
  }
  if (globals.help) return { kind: 'help', path: command.path, globals };

  const specs = command.positionals ?? [];
  if (parsed.positionals.length > specs.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[specs.length]}"`, command.path);
  }
  const positionals: Record<string, string | undefined> = {};
  specs.forEach((spec, i) => {
    const value = parsed.positionals[i];
    if (value === undefined && spec.required !== false) {
      throw new UsageError(`missing <${spec.name}>`, command.path);
    }
    positionals[spec.name] = value;
  });
  const values: Record<string, OptionValue | undefined> = {};
  for (const [name, spec] of Object.entries(commandOptions)) {
    values[name] = convert(name, spec, parsed.values[name], command.path);
    if (spec.required && values[name] === undefined) {
      throw new UsageError(`--${name} is required`, command.path);
    }
  }
  return { kind: 'run', command, args: new ParsedArgs(command.path, positionals, values), globals };
}

type RawValue = string | boolean | (string | boolean)[] | undefined;

/** Leading non-flag words (skipping global flags and their values): the candidate command path. */
function leadingWords(argv: readonly string[]): { words: string[]; wordIndexes: number[] } {
  const words: string[] = [];
  const wordIndexes: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') break;
    if (token.startsWith('-')) {
      const name = token.replace(/^--?/, '').split('=')[0];
      const global = GLOBAL_OPTIONS[name] ?? Object.values(GLOBAL_OPTIONS).find((o) => o.short === name);
      if (!global) break; // a command flag: the command words are behind us
      if (global.type !== 'boolean' && !token.includes('=')) i++;
      continue;
    }
    words.push(token);
    wordIndexes.push(i);
  }
  return { words, wordIndexes };
}

function longestMatch(words: readonly string[], commands: readonly CommandSpec[]): CommandSpec | undefined {
  for (let length = words.length; length > 0; length--) {
    const found = commands.find(
      (c) => c.path.length === length && c.path.every((word, i) => word === words[i]),
    );
    if (found) return found;
  }
  return undefined;
}

function parseFlags(
  args: string[],
  specs: Readonly<Record<string, OptionSpec>>,
  commandPath: readonly string[],
): { values: Record<string, RawValue>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      multiple: spec.type === 'strings' || spec.type === 'pairs',
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, RawValue>, positionals };
  } catch (error) {
    // parseArgs messages are already precise ("Unknown option '--x'"); keep them, drop the noise.
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(message, commandPath, { cause: error });
  }
}

function convert(
  name: string,
  spec: OptionSpec,
  raw: RawValue,
  commandPath: readonly string[],
): OptionValue | undefined {
  if (raw === undefined) return undefined;
  const texts = (Array.isArray(raw) ? raw : [raw]).map(String);
  switch (spec.type) {
    case 'boolean':
      return raw === true;
    case 'string':
      if (spec.choices && !spec.choices.includes(texts[0])) {
        throw new UsageError(
          `--${name} must be one of ${spec.choices.join(', ')}, got "${texts[0]}"`,
          commandPath,
        );
      }
      return texts[0];
    case 'int': {
      if (!/^-?\d+$/.test(texts[0])) {
        throw new UsageError(`--${name} must be an integer, got "${texts[0]}"`, commandPath);
      }
      return Number(texts[0]);
    }
    case 'strings':
      return texts
        .flatMap((t) => t.split(','))
        .map((t) => t.trim())
        .filter((t) => t.length > 0);
    case 'pairs': {
      const pairs: Record<string, string> = {};
      for (const text of texts) {
        const at = text.indexOf('=');
        if (at <= 0) throw new UsageError(`--${name} takes key=value, got "${text}"`, commandPath);
        pairs[text.slice(0, at)] = text.slice(at + 1);
      }
      return pairs;
    }
  }
}

function toGlobals(values: Record<string, RawValue>, commandPath: readonly string[] = []): GlobalFlags {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const timeout = text('timeout-ms');
  if (timeout !== undefined && !/^[1-9]\d*$/.test(timeout)) {
    throw new UsageError(`--timeout-ms must be a positive integer, got "${timeout}"`, commandPath);
  }
  return {
    url: text('url'),
    token: text('token'),
    config: text('config'),
    context: text('context'),
    json: values.json === true,
    noColor: values['no-color'] === true,
    timeoutMs: timeout === undefined ? undefined : Number(timeout),
    help: values.help === true,
  };
}
