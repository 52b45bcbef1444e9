#!/usr/bin/env node
import { homedir } from 'node:os';
import { runCli } from './cli-app';
import { nodeConfigFs } from './config/node-config-fs';
import { systemClock } from './framework/clock';
import { MODULES } from './framework/command-registry';
import { nodeTransport } from './http/http-transport';

/** `fleet`: the SRE command line over the config service's REST API. */
async function main(): Promise<void> {
  const interrupt = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    // First Ctrl-C ends follow loops cleanly; a second one means "now".
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    interrupt.abort();
  };
  // `fleet audit tail --follow | head`: the reader leaving ends the run; it is not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.exitCode = await runCli({
    argv: process.argv.slice(2),
    env: process.env,
    homeDir: homedir(),
    stdout: process.stdout,
    stderr: process.stderr,
    fs: nodeConfigFs,
    transport: nodeTransport,
    clock: systemClock,
    signal: interrupt.signal,
    modules: MODULES,
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

void main();
