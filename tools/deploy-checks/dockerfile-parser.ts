/** One Dockerfile instruction, continuation lines joined, comments dropped. */
export interface Instruction {
  readonly keyword: string;
  /** `--name=value` flags before the arguments (FROM, COPY, RUN, HEALTHCHECK…). */
  readonly flags: Readonly<Record<string, string>>;
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly index: number;
  readonly name: string | undefined;
  /** The base image with global ARG defaults substituted, or an earlier stage's name. */
  readonly base: string;
  readonly instructions: readonly Instruction[];
}

/**
 * Enough of the Dockerfile grammar for policy checks: line continuations, comments, flags,
 * global ARG defaults in FROM, and stages. Heredocs and custom escape characters are not used here.
 */
export function parseDockerfile(text: string): Stage[] {
  const instructions = splitInstructions(text);
  const globalArgs = new Map<string, string>();
  const stages: Array<Stage & { instructions: Instruction[] }> = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(/\s+/);
      const base = image.replace(
        /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
        (_, v: string) => globalArgs.get(v) ?? '',
      );
      stages.push({
        index: stages.length,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        base,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [key, value = ''] = instruction.args.split('=', 2);
        globalArgs.set(key.trim(), unquote(value.trim()));
      }
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

function splitInstructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let buffer = '';
  let start = 0;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (/^\s*#/.test(line)) return; // comments, also inside a continued instruction
    if (buffer === '' && line.trim() === '') return;
    if (buffer === '') start = i + 1;
    if (/\\\s*$/.test(line)) {
      buffer += line.replace(/\\\s*$/, ' ');
      return;
    }
    buffer += line;
    result.push(toInstruction(buffer.trim(), start));
    buffer = '';
  });
  if (buffer.trim() !== '') result.push(toInstruction(buffer.trim(), start));
  return result;
}

function toInstruction(text: string, line: number): Instruction {
  const space = text.search(/\s/);
  const keyword = (space < 0 ? text : text.slice(0, space)).toUpperCase();
  let rest = space < 0 ? '' : text.slice(space).trim();
  const flags: Record<string, string> = {};
  for (let m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); m; m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[m[1]] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  return { keyword, flags, args: rest, line };
}

/** `ENV a=1 b="two"` (and the legacy `ENV a 1`) as key/value pairs. */
export function parseEnv(args: string): Record<string, string> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [key, ...value] = args.split(/\s+/);
    return { [key]: value.join(' ') };
  }
  const env: Record<string, string> = {};
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    env[m[1]] = unquote(m[2]);
  }
  return env;
}

/** The JSON (exec) form of CMD, ENTRYPOINT or HEALTHCHECK CMD; undefined for the shell form. */
export function parseExecForm(args: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

const unquote = (value: string): string =>
  /^(".*"|'.*')$/.test(value) ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
