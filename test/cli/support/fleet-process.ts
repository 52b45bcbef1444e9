import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

/**
 * How the real `fleet` binary is started: from source through tsx by default (no build step), or
 * the compiled entry when KF_CLI_BIN names it (`KF_CLI_BIN=dist/apps/cli/src/main.js`, after
 * `npm run build`).
 */
function command(args: readonly string[]): string[] {
  const bin = process.env.KF_CLI_BIN;
  return bin
    ? [resolve(ROOT, bin), ...args]
    : ['--import', 'tsx', resolve(ROOT, 'apps/cli/src/main.ts'), ...args];
}

export interface FleetRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `fleet` whose output can be awaited while it runs (`--follow`, `--wait`). */
export class FleetProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<FleetRun>;

  constructor(
    args: readonly string[],
    env: Readonly<Record<string, string>>,
    private readonly secrets: string[],
  ) {
    this.child = spawn(process.execPath, command(args), {
      cwd: ROOT,
      env: { ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (t: string) => (this.stdout += t));
    this.child.stderr?.setEncoding('utf8').on('data', (t: string) => (this.stderr += t));
    this.exited = new Promise((done) =>
      this.child.on('close', (code) => {
        record(args, { code, stdout: this.stdout, stderr: this.stderr }, this.secrets);
        done({ code, stdout: this.stdout, stderr: this.stderr });
      }),
    );
  }

  /** Resolves once stdout matches; fails with what was printed if the process ends first. */
  async waitForOutput(pattern: RegExp): Promise<void> {
    while (!pattern.test(this.stdout)) {
      const ended = await Promise.race([this.exited, new Promise((r) => setTimeout(r, 100, undefined))]);
      if (ended && !pattern.test(this.stdout)) {
        throw new Error(`fleet exited before printing ${pattern}: ${JSON.stringify(ended)}`);
      }
    }
  }
}

/**
 * With KF_CLI_TRANSCRIPT=<file>, every invocation and its output are appended there (secrets
 * replaced), which is where the CLI README's examples come from.
 */
function record(args: readonly string[], run: FleetRun, secrets: readonly string[]): void {
  const file = process.env.KF_CLI_TRANSCRIPT;
  if (!file) return;
  const redact = (text: string) => secrets.reduce((t, s) => t.split(s).join('<redacted>'), text);
  const output = [run.stdout, run.stderr].filter(Boolean).join('');
  const line = args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  appendFileSync(file, redact(`$ fleet ${line}\n${output}# exit ${run.code}\n\n`));
}
