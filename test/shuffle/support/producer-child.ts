import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The parent's view of a producer process: what it reported acknowledged, and a way to kill it. */
export class ProducerChild {
  readonly acked = new Set<number>();
  private readonly child: ChildProcess;
  private buffered = '';

  constructor(
    readonly name: string,
    settings: Record<string, unknown>,
  ) {
    const script = resolve(__dirname, 'producer-process.ts');
    this.child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify({ ...settings, name })], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: resolve(__dirname, '../../..'),
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString();
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ack ')) this.acked.add(Number(line.slice(4)));
    });
  }

  /** A crash, not a shutdown: no flush, no last heartbeat, the lease simply runs out. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}
