import { findGetRoute, type AppRoute } from './app-routes';
import type { BuildOutput } from './build-output';
import { parseDockerfile, parseEnv, parseExecForm, type Stage } from './dockerfile-parser';
import type { Finding } from './manifest-render';
import { checkImageReference } from './workload-policy';

/** What the Dockerfile is checked against: the real build, routes, runtime imports and lockfile. */
export interface ImageFacts {
  readonly build: BuildOutput;
  readonly routes: readonly AppRoute[];
  /** npm packages the service's import graph reaches. */
  readonly runtimePackages: ReadonlySet<string>;
  /** Production packages that have install scripts (from package-lock.json). */
  readonly packagesWithInstallScripts: ReadonlySet<string>;
}

export function checkDockerfile(dockerfile: string, dockerignore: string, facts: ImageFacts): Finding[] {
  const stages = parseDockerfile(dockerfile);
  const findings: Finding[] = [];
  const add = (where: string, problem: string) => findings.push({ where, problem });
  if (stages.length < 2) add('Dockerfile', 'single stage: build tools and sources would ship in the image');
  const names = new Set(stages.map((s) => s.name).filter(Boolean));
  for (const stage of stages) {
    if (names.has(stage.base)) continue;
    const problem = checkImageReference(stage.base);
    if (problem) add(stageName(stage), `base ${problem}`);
  }
  const final = stages[stages.length - 1];
  if (!final) return findings;
  const where = stageName(final);
  const byName = (name: string | undefined) =>
    stages.find((s) => s.name === name || String(s.index) === name);
  const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

  const user = all(final, 'USER').at(-1)?.args;
  if (!user) add(where, 'no USER: the service would run as root');
  else if (!/^\d+(:\d+)?$/.test(user))
    add(where, `USER ${user} is not numeric: runAsNonRoot cannot verify it`);
  else if (user.split(':')[0] === '0') add(where, 'USER 0 is root');

  const env = Object.assign({}, ...all(final, 'ENV').map((i) => parseEnv(i.args))) as Record<string, string>;
  if (env.NODE_ENV !== 'production') add(where, 'NODE_ENV is not production');

  const cmd = parseExecForm(all(final, 'CMD').at(-1)?.args ?? '');
  const expected = facts.build.entryEmitted;
  if (!cmd) add(where, 'CMD is missing or not in exec form (signals would go to a shell)');
  else if (cmd[0] !== 'node' || cmd[1] !== expected) {
    add(where, `CMD ${JSON.stringify(cmd)} does not run ${expected}, which the build emits`);
  }

  const copies = all(final, 'COPY').map((i) => ({ from: byName(i.flags.from), parts: i.args.split(/\s+/) }));
  const distCopy = copies.find(
    (c) => c.from && c.parts.slice(0, -1).some((p) => lastSegment(p) === facts.build.outDir),
  );
  if (!distCopy?.from?.instructions.some((i) => i.keyword === 'RUN' && /\bnpm run build\b/.test(i.args))) {
    add(where, `${facts.build.outDir}/ is not copied from a stage that runs npm run build`);
  }
  const modulesCopy = copies.find((c) => c.parts.slice(0, -1).some((p) => lastSegment(p) === 'node_modules'));
  const depsStage = modulesCopy?.from ?? final;
  const install = depsStage.instructions.find(
    (i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args),
  );
  if (!install) add(where, 'production node_modules come from no npm ci');
  else {
    if (!/--omit=dev\b/.test(install.args))
      add(stageName(depsStage), 'npm ci without --omit=dev ships devDependencies');
    if (install.args.includes('--ignore-scripts')) {
      for (const pkg of facts.packagesWithInstallScripts) {
        if (facts.runtimePackages.has(pkg)) {
          add(
            stageName(depsStage),
            `--ignore-scripts skips the install script of ${pkg}, which the service loads`,
          );
        }
      }
    }
    for (const m of install.args.matchAll(/rm -rf node_modules\/((?:@[^/\s]+\/)?[^/\s]+)/g)) {
      if (facts.runtimePackages.has(m[1]))
        add(stageName(depsStage), `prunes ${m[1]}, which the service imports`);
    }
  }
  for (const stage of stages) {
    for (const run of all(stage, 'RUN')) {
      if (/\bnpm install\b/.test(run.args))
        add(stageName(stage), 'npm install ignores the lockfile: use npm ci');
    }
  }
  findings.push(...checkHealthcheck(final, facts.routes));
  findings.push(...checkBuildInputs(stages, facts.build));
  findings.push(...checkDockerignore(dockerignore, stages));
  return findings;
}

function checkHealthcheck(final: Stage, routes: readonly AppRoute[]): Finding[] {
  const where = stageName(final);
  const healthcheck = final.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
  if (!healthcheck) return [{ where, problem: 'no HEALTHCHECK' }];
  const command = healthcheck.args.replace(/^CMD\s+/, '');
  const paths = [...command.matchAll(/['"`](\/[A-Za-z0-9/_.-]*)['"`]/g)].map((m) => m[1]);
  if (paths.length === 0) return [{ where, problem: 'HEALTHCHECK asks no HTTP path' }];
  return paths.flatMap((path) => {
    const route = findGetRoute(routes, path);
    if (!route) return [{ where, problem: `HEALTHCHECK path ${path} is not a GET route of the service` }];
    return route.public ? [] : [{ where, problem: `HEALTHCHECK path ${path} needs a bearer token` }];
  });
}

/** The stage that runs the build must copy in everything the build reads. */
function checkBuildInputs(stages: readonly Stage[], build: BuildOutput): Finding[] {
  const builder = stages.find((s) =>
    s.instructions.some((i) => i.keyword === 'RUN' && /npm run build/.test(i.args)),
  );
  if (!builder) return [{ where: 'Dockerfile', problem: 'no stage runs npm run build' }];
  const copied = builder.instructions
    .filter((i) => i.keyword === 'COPY' && !i.flags.from)
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
  if (copied.includes('.')) return [];
  return build.inputs
    .filter((input) => !copied.includes(input))
    .map((input) => ({
      where: stageName(builder),
      problem: `the build reads ${input} but the stage never copies it`,
    }));
}

/** Context excluded by .dockerignore: local installs and outputs out, every COPY source kept. */
function checkDockerignore(dockerignore: string, stages: readonly Stage[]): Finding[] {
  const patterns = dockerignore
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const ignored = (path: string) =>
    patterns.reduce((result, pattern) => {
      const negated = pattern.startsWith('!');
      return globToRegExp(negated ? pattern.slice(1) : pattern).test(path) ? !negated : result;
    }, false);
  const findings: Finding[] = [];
  for (const path of ['node_modules', 'dist', '.git']) {
    if (!ignored(path))
      findings.push({ where: '.dockerignore', problem: `${path} is sent to the build context` });
  }
  for (const stage of stages) {
    for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY' && !i.flags.from)) {
      for (const source of copy.args.split(/\s+/).slice(0, -1)) {
        if (source !== '.' && ignored(source)) {
          findings.push({
            where: '.dockerignore',
            problem: `excludes ${source}, which ${stageName(stage)} copies`,
          });
        }
      }
    }
  }
  return findings;
}

/** Docker's ignore patterns: `*` within a segment, `**` across segments, `?` one character. */
function globToRegExp(pattern: string): RegExp {
  const p = pattern.replace(/^\/+|\/+$/g, '');
  let body = '';
  for (let i = 0; i < p.length; i++) {
    if (p.startsWith('**/', i)) {
      body += '(?:.*/)?';
      i += 2;
    } else if (p.startsWith('**', i)) {
      body += '.*';
      i += 1;
    } else if (p[i] === '*') body += '[^/]*';
    else if (p[i] === '?') body += '[^/]';
    else body += p[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${body}(?:/.*)?$`);
}

const stageName = (stage: Stage): string => `Dockerfile stage ${stage.name ?? stage.index}`;
const lastSegment = (path: string): string => path.replace(/\/+$/, '').split('/').at(-1) ?? '';
