import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Small, dependency-free process helpers for daemons we start ourselves and track by pid file. */

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number | undefined): pid is number {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else: still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when the pid file names a live process whose command line contains `marker` (a path unique
 * to the daemon), so a stale pid file whose pid was reused by another program never counts.
 */
export function isRunning(pidFile: string, marker?: string): boolean {
  const pid = readPid(pidFile);
  if (!isAlive(pid)) return false;
  if (marker === undefined) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return true; // no procfs (macOS): trust the pid
  }
}

/** Starts a detached daemon whose stdout+stderr append to `logFile`, and records its pid. */
export function startDaemon(
  command: string,
  args: readonly string[],
  logFile: string,
  pidFile: string,
  env: NodeJS.ProcessEnv = process.env,
): number {
  mkdirSync(dirname(logFile), { recursive: true });
  mkdirSync(dirname(pidFile), { recursive: true });
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], env });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    writeFileSync(pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * SIGTERM, then wait for the process to exit (Kafka runs a controlled shutdown), escalating to
 * SIGKILL only after `graceMs`. Returns how the process ended.
 */
export async function stopProcess(
  pidFile: string,
  graceMs = 30_000,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<'not-running' | 'stopped' | 'killed'> {
  const pid = readPid(pidFile);
  if (!isAlive(pid)) {
    rmSync(pidFile, { force: true });
    return 'not-running';
  }
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  let outcome: 'stopped' | 'killed' = 'stopped';
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    outcome = 'killed';
    while (isAlive(pid)) await sleep(50);
  }
  rmSync(pidFile, { force: true });
  return outcome;
}

/** Polls `probe` until it resolves truthy or the deadline passes; the last error names the cause. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}
