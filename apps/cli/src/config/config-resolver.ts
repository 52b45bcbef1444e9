import { join } from 'node:path';
import { CliConfigError } from '../errors/cli-errors';
import {
  CONFIG_ENV,
  DEFAULT_TIMEOUT_MS,
  cliConfigFile,
  type CliConfigFile,
  type ContextEntry,
} from './cli-config';

/** The file system as the resolver sees it; tests pass a fake. */
export interface ConfigFs {
  /** The file's text, or undefined when it does not exist. */
  readText(path: string): string | undefined;
  /** Permission bits (`stat.mode & 0o777`), or undefined where they mean nothing (Windows). */
  permissions(path: string): number | undefined;
}

export interface ConfigInputs {
  readonly flags: { url?: string; token?: string; config?: string; context?: string; timeoutMs?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly fs: ConfigFs;
}

export type Source = 'flag' | 'env' | 'config file' | 'none';

export interface ResolvedConfig {
  readonly url: string;
  /** Sent as a bearer token; never printed, logged or put into an error message. */
  readonly token?: string;
  readonly timeoutMs: number;
  readonly configPath?: string;
  readonly contextName?: string;
  readonly urlSource: Source;
  readonly tokenSource: Source;
  readonly warnings: readonly string[];
}

export const defaultConfigPath = (homeDir: string): string =>
  join(homeDir, '.config', 'kafka-fleet', 'cli.json');

/** Flags win over the environment, which wins over the config file; each field on its own. */
export function resolveConfig({ flags, env, homeDir, fs }: ConfigInputs): ResolvedConfig {
  const explicitPath = flags.config ?? nonEmpty(env[CONFIG_ENV.config]);
  const path = explicitPath ?? defaultConfigPath(homeDir);
  const text = fs.readText(path);
  if (text === undefined && explicitPath) throw new CliConfigError(`config file ${path} does not exist`);
  const warnings: string[] = [];
  const file = text === undefined ? undefined : parseFile(path, text);
  if (file) {
    const mode = fs.permissions(path);
    if (mode !== undefined && (mode & 0o044) !== 0) {
      warnings.push(
        `config file ${path} is readable by group or others (mode ${mode.toString(8).padStart(4, '0')}); ` +
          `it may hold tokens: chmod 600 ${path}`,
      );
    }
  }
  const contextName =
    flags.context ?? nonEmpty(env[CONFIG_ENV.context]) ?? file?.currentContext ?? soleContext(file);
  const context = pickContext(path, file, contextName);

  const [url, urlSource] = firstOf(flags.url, nonEmpty(env[CONFIG_ENV.url]), context.url);
  if (!url) {
    throw new CliConfigError(
      `no config service URL: pass --url, set ${CONFIG_ENV.url}, or add a context with "url" to ${path}`,
    );
  }
  const [token, tokenSource] = firstOf(flags.token, nonEmpty(env[CONFIG_ENV.token]), context.token);
  return {
    url: normaliseUrl(url, urlSource),
    token,
    timeoutMs: flags.timeoutMs ?? context.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    configPath: file ? path : undefined,
    contextName: file?.contexts ? contextName : undefined,
    urlSource,
    tokenSource,
    warnings,
  };
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

function firstOf(flag?: string, env?: string, file?: string): [string | undefined, Source] {
  if (flag !== undefined) return [flag, 'flag'];
  if (env !== undefined) return [env, 'env'];
  if (file !== undefined) return [file, 'config file'];
  return [undefined, 'none'];
}

function parseFile(path: string, text: string): CliConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = cliConfigFile.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new CliConfigError(`config file ${path} is invalid: ${issues}`);
  }
  return parsed.data;
}

function soleContext(file: CliConfigFile | undefined): string | undefined {
  const names = Object.keys(file?.contexts ?? {});
  return names.length === 1 ? names[0] : undefined;
}

function pickContext(path: string, file: CliConfigFile | undefined, name: string | undefined): ContextEntry {
  if (name === undefined) return { url: file?.url, token: file?.token, timeoutMs: file?.timeoutMs };
  const context = file?.contexts?.[name];
  if (!context) {
    const known = Object.keys(file?.contexts ?? {});
    throw new CliConfigError(
      `context "${name}" is not in ${path}` +
        (known.length ? ` (known: ${known.join(', ')})` : ' (it has no contexts)'),
    );
  }
  return context;
}

function normaliseUrl(raw: string, source: Source): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliConfigError(`config service URL from ${source} is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliConfigError(`config service URL from ${source} must be http(s), got "${url.protocol}"`);
  }
  return url.toString().replace(/\/+$/, '');
}
