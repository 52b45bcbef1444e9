import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { ReaderVerdict } from './reader-process';

/** The parent's handle on the reader process: started and running once this resolves. */
export async function startReaders(settings: {
  serviceUrl: string;
  appId: string;
  token: string;
  topic: string;
  members: number;
}): Promise<{
  verdict: (acked: number[], timeoutMs: number) => Promise<ReaderVerdict>;
  /** Ends the process if it is still running (a benchmark that failed half-way). */
  kill: () => void;
}> {
  const child = fork(resolve(__dirname, 'reader-process.ts'), [JSON.stringify(settings)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(type: string) =>
    new Promise<T>((done, fail) => {
      const onMessage = (msg: { type: string }) => {
        if (msg.type !== type) return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        done(msg as T);
      };
      const onExit = (code: number | null) =>
        fail(new Error(`reader process exited (${code}) before '${type}'`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  await next('ready');
  return {
    verdict: async (acked, timeoutMs) => {
      const answer = next<ReaderVerdict>('verdict');
      child.send({ type: 'verdict', acked, timeoutMs });
      return answer;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
