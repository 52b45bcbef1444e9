/**
 * Runs the repo's TypeScript in a child process the way the build compiles it, decorator metadata
 * included (Nest's dependency injection reads it; tsx's esbuild does not emit it): each `.ts` file
 * is transpiled on require with the repo's tsconfig, and `@kafka-fleet/*` resolves to `libs/*`.
 * For test children only (`node -r ./test/support/ts-register.cjs file.ts`); no type check.
 */
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

const root = join(__dirname, '../..');
const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
const compilerOptions = { ...ts.convertCompilerOptionsFromJson(config.compilerOptions, root).options };
compilerOptions.sourceMap = false;
compilerOptions.inlineSourceMap = true;

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = /^@kafka-fleet\/(contracts|core|client)(\/.*)?$/.exec(request);
  const target = alias ? join(root, 'libs', alias[1], 'src', alias[2] ?? '') : request;
  return resolveFilename.call(this, target, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    compilerOptions,
    fileName: filename,
  });
  module._compile(outputText, filename);
};
