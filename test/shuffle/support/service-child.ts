import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The parent's view of a service replica in its own process (see service-process.ts). */
export class ServiceChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceChild> {
    const script = resolve(__dirname, 'service-process.ts');
    // Not tsx: Nest needs the decorator metadata only TypeScript's own compiler emits.
    const register = resolve(__dirname, '../../support/ts-register.cjs');
    const child = spawn(process.execPath, ['-r', register, script, JSON.stringify(env)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: resolve(__dirname, '../../..'),
    });
    const url = await new Promise<string>((ok, fail) => {
      let buffered = '';
      const timer = setTimeout(() => fail(new Error('service process did not start in time')), timeoutMs);
      child.once('exit', (code) => fail(new Error(`service process exited with ${code} before serving`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const line = buffered.split('\n').find((l) => l.startsWith('listening '));
        if (!line) return;
        clearTimeout(timer);
        ok(line.slice('listening '.length).trim());
      });
    });
    return new ServiceChild(child, url);
  }

  /** Freezes the process: no timer, no renewal, no socket read until `resume`. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGCONT'); // a stopped process takes SIGKILL too, but say so plainly
    this.child.kill('SIGKILL');
    await exited;
  }
}
