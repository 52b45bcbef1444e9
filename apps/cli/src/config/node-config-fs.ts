import { readFileSync, statSync } from 'node:fs';
import { CliConfigError } from '../errors/cli-errors';
import type { ConfigFs } from './config-resolver';

export const nodeConfigFs: ConfigFs = {
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new CliConfigError(`cannot read config file ${path} (${code ?? 'error'})`, { cause: error });
    }
  },
  permissions(path) {
    // Windows reports 0o666 for every file: the bits say nothing about who can read it.
    return process.platform === 'win32' ? undefined : statSync(path).mode & 0o777;
  },
};
