import type { Style } from './style';

/** What the CLI writes to: process.stdout/stderr, or a buffer in tests. */
export interface Sink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * Data goes to stdout, everything about the run (warnings, progress notes, errors) to stderr, so
 * `fleet … --json | jq` always receives clean JSON.
 */
export class Output {
  constructor(
    readonly stdout: Sink,
    readonly stderr: Sink,
    readonly json: boolean,
    readonly style: Style,
  ) {}

  get isTty(): boolean {
    return this.stdout.isTTY === true;
  }

  /** The command's answer: the raw JSON under `--json`, human lines otherwise. */
  result(raw: unknown, human: () => readonly string[]): void {
    if (this.json) this.stdout.write(`${JSON.stringify(raw, null, 2)}\n`);
    else this.lines(human());
  }

  /** One item of a stream (`audit tail --follow`): one JSON document per line under `--json`. */
  record(raw: unknown, human: () => readonly string[]): void {
    if (this.json) this.stdout.write(`${JSON.stringify(raw)}\n`);
    else this.lines(human());
  }

  lines(lines: readonly string[]): void {
    if (lines.length) this.stdout.write(`${lines.join('\n')}\n`);
  }

  note(text: string): void {
    this.stderr.write(`${this.style.dim(text)}\n`);
  }

  warn(text: string): void {
    this.stderr.write(`${this.style.yellow('warning:')} ${text}\n`);
  }

  error(lines: readonly string[]): void {
    const [first, ...rest] = lines;
    this.stderr.write(`${this.style.red('error:')} ${[first, ...rest].join('\n')}\n`);
  }
}
