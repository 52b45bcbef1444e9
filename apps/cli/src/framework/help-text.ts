import { EXIT_CODE_HELP } from '../errors/exit-codes';
import type { CommandModule, CommandSpec, OptionSpec } from './command';
import { GLOBAL_OPTIONS } from './global-options';

const placeholder = (spec: OptionSpec): string =>
  spec.type === 'boolean'
    ? ''
    : ` ${spec.valueName ?? (spec.type === 'int' ? '<n>' : spec.type === 'pairs' ? '<key=value>' : '<value>')}`;

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${placeholder(spec)}`;
    const notes = [
      spec.required ? 'required' : '',
      spec.type === 'strings' || spec.type === 'pairs' ? 'repeatable' : '',
    ]
      .filter(Boolean)
      .join(', ');
    const choices = spec.choices ? `: ${spec.choices.join(' | ')}` : '';
    return [flag, `${spec.description}${choices}${notes ? ` (${notes})` : ''}`] as const;
  });
  const width = Math.max(0, ...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

export function usageLine(command: CommandSpec): string {
  const positionals = (command.positionals ?? []).map((p) =>
    p.required === false ? `[${p.name}]` : `<${p.name}>`,
  );
  const required = Object.entries(command.options ?? {})
    .filter(([, spec]) => spec.required)
    .map(([name, spec]) => `--${name}${placeholder(spec)}`);
  return ['fleet', ...command.path, ...positionals, ...required, '[options]'].join(' ');
}

export function commandHelp(command: CommandSpec): string[] {
  const lines = [`Usage: ${usageLine(command)}`, '', command.description ?? command.summary];
  const positionals = command.positionals ?? [];
  if (positionals.length) {
    const width = Math.max(...positionals.map((p) => p.name.length + 2));
    lines.push(
      '',
      'Arguments:',
      ...positionals.map((p) => `  ${`<${p.name}>`.padEnd(width)}  ${p.description}`),
    );
  }
  if (Object.keys(command.options ?? {}).length) {
    lines.push('', 'Options:', ...optionLines(command.options ?? {}));
  }
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return lines;
}

function commandList(commands: readonly CommandSpec[]): string[] {
  const rows = commands.map((c) => [c.path.join(' '), c.summary] as const);
  const width = Math.max(0, ...rows.map(([path]) => path.length));
  return rows.map(([path, summary]) => `  fleet ${path.padEnd(width)}  ${summary}`);
}

export function groupHelp(group: string, modules: readonly CommandModule[]): string[] {
  const owner = modules.find((m) => m.commands.some((c) => c.path[0] === group));
  const members = modules.flatMap((m) => m.commands).filter((c) => c.path[0] === group);
  return [
    `Usage: fleet ${group} <command> [options]`,
    ...(owner ? ['', owner.summary] : []),
    '',
    'Commands:',
    ...commandList(members),
    '',
    `Run "fleet ${group} <command> --help" for a command's flags.`,
  ];
}

export function rootHelp(modules: readonly CommandModule[]): string[] {
  return [
    'fleet: operate a kafka-fleet config service (clusters, topics, apps, instances, audit).',
    '',
    'Usage: fleet <command> [options]',
    '',
    'Commands:',
    ...commandList(modules.flatMap((m) => m.commands)),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Configuration: --url/--token flags, then $KAFKA_FLEET_URL/$KAFKA_FLEET_TOKEN, then the config',
    "file's context. The token is sent to the service and never printed.",
    '',
    'Exit codes:',
    ...EXIT_CODE_HELP.map(([code, text]) => `  ${String(code).padStart(3)}  ${text}`),
  ];
}

/** Help for a root, group or command path; `undefined` when the path names nothing. */
export function helpFor(path: readonly string[], modules: readonly CommandModule[]): string[] {
  if (path.length === 0) return rootHelp(modules);
  const commands = modules.flatMap((m) => m.commands);
  const exact = commands.find((c) => c.path.length === path.length && c.path.every((w, i) => w === path[i]));
  if (exact) return commandHelp(exact);
  return groupHelp(path[0], modules);
}
