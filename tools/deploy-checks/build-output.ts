import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const root = resolve(__dirname, '../..');

/** What `npm run build` compiles and where the config service's entry point lands. */
export interface BuildOutput {
  /** The tsconfig the build script passes to tsc, relative to the repository root. */
  readonly tsconfig: string;
  /** The files and folders the build reads: the tsconfig chain and its `include` roots. */
  readonly inputs: readonly string[];
  /** The output directory, relative to the repository root. */
  readonly outDir: string;
  /** The service's entry source (from nest-cli.json) and the JavaScript tsc emits for it. */
  readonly entrySource: string;
  readonly entryEmitted: string;
}

/**
 * Derived from configuration, never assumed: the build script names the tsconfig, nest-cli.json
 * names the service's entry file, and TypeScript itself computes where that file is emitted.
 */
export function serviceBuildOutput(): BuildOutput {
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const tsconfig = /\btsc\b[^&]*?-p\s+(\S+)/.exec(packageJson.scripts.build)?.[1];
  if (!tsconfig) throw new Error('package.json "build" does not run tsc -p <tsconfig>');
  const nest = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as {
    projects: Record<string, { sourceRoot: string; entryFile: string }>;
  };
  const project = nest.projects['config-service'];
  const entrySource = `${project.sourceRoot}/${project.entryFile}.ts`;

  const configPath = join(root, tsconfig);
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(
    read.config,
    ts.sys,
    dirname(configPath),
    undefined,
    configPath,
  );
  const { outDir, rootDir } = parsed.options;
  if (!outDir || !rootDir) throw new Error(`${tsconfig} must set outDir and rootDir`);
  if (!parsed.fileNames.includes(join(root, entrySource))) {
    throw new Error(`${tsconfig} does not compile the service entry ${entrySource}`);
  }
  const emitted = join(outDir, relative(rootDir, join(root, entrySource))).replace(/\.ts$/, '.js');
  return {
    tsconfig,
    inputs: [...tsconfigChain(configPath), ...includeRoots(read.config)],
    outDir: relative(root, outDir),
    entrySource,
    entryEmitted: relative(root, emitted),
  };
}

function tsconfigChain(configPath: string): string[] {
  const chain: string[] = [];
  for (let path: string | undefined = configPath; path;) {
    chain.push(relative(root, path));
    const extended: string | undefined = (
      ts.readConfigFile(path, (p) => ts.sys.readFile(p)).config as { extends?: string }
    ).extends;
    path = extended ? join(dirname(path), extended) : undefined;
  }
  return chain;
}

function includeRoots(config: { include?: string[] }): string[] {
  return (config.include ?? []).map((pattern) => pattern.split('/')[0]);
}

/**
 * The npm packages the service can load at run time: every package a file reachable from the
 * entry point imports, type-only imports included (an over-approximation, never an omission).
 */
export function packagesReachedFrom(entrySource: string, tsconfig: string): Set<string> {
  const configPath = join(root, tsconfig);
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(
    read.config,
    ts.sys,
    dirname(configPath),
    undefined,
    configPath,
  );
  const program = ts.createProgram({ rootNames: [join(root, entrySource)], options: parsed.options });
  const packages = new Set<string>();
  for (const file of program.getSourceFiles()) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file.fileName);
    if (match) packages.add(match[1]);
  }
  return packages;
}
