import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetProcess, type FleetRun } from './fleet-process';

/**
 * An operator's shell: a private HOME whose config file (mode 600) is the only thing that says
 * which service to talk to and with which token; no KAFKA_FLEET_* variable leaks in from the
 * test runner's environment.
 */
export class OperatorShell {
  readonly home = mkdtempSync(join(tmpdir(), 'fleet-shell-'));
  readonly configFile = join(this.home, 'cli.json');

  constructor(
    url: string,
    token: string,
    private readonly secrets: readonly string[],
  ) {
    const config = { currentContext: 'e2e', contexts: { e2e: { url, token } } };
    writeFileSync(this.configFile, JSON.stringify(config), { mode: 0o600 });
  }

  env(): Record<string, string> {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] => !entry[0].startsWith('KAFKA_FLEET_') && entry[1] !== undefined,
      ),
    );
    return { ...inherited, HOME: this.home, KAFKA_FLEET_CONFIG: this.configFile };
  }

  /** Starts `fleet args…` without waiting for it (for `--follow`). */
  start(args: readonly string[]): FleetProcess {
    return new FleetProcess(args, this.env(), [...this.secrets]);
  }

  run(args: readonly string[]): Promise<FleetRun> {
    return this.start(args).exited;
  }

  /** Runs and insists on exit 0 with nothing on stderr; returns stdout. */
  async ok(args: readonly string[]): Promise<string> {
    const run = await this.run(args);
    expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
    return run.stdout;
  }

  dispose(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}
