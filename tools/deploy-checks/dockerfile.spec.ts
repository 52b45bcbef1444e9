import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDockerfile } from './dockerfile-policy';
import { loadImageFacts } from './image-facts';
import { formatFindings } from './manifest-render';

const root = join(__dirname, '../..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8');
const facts = loadImageFacts();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Applies one textual break and fails loudly if the text did not change. */
function broken(text: string, from: string | RegExp, to: string): string {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`nothing matched ${String(from)}: the copy is not broken`);
  return next;
}
const findingsOf = (file: string, ignore = dockerignore) =>
  formatFindings(checkDockerfile(file, ignore, facts));

describe('the config-service Dockerfile', () => {
  it('passes every policy check', () => {
    expect(findingsOf(dockerfile)).toBe('');
  });

  it('is checked against the entry point the build really emits', () => {
    expect(existsSync(join(root, facts.build.entrySource))).toBe(true);
    expect(facts.build.entryEmitted.startsWith(`${facts.build.outDir}/`)).toBe(true);
    expect(facts.build.entryEmitted).toMatch(/main\.js$/);
  });

  it('runs a service whose imports never reach node-rdkafka (so the image may prune it)', () => {
    expect(facts.runtimePackages).toContain('kafkajs');
    expect(facts.runtimePackages).toContain('ioredis');
    expect(facts.runtimePackages).not.toContain('node-rdkafka');
    expect(facts.packagesWithInstallScripts).toContain('node-rdkafka');
  });

  it.each<[string, string | RegExp, string, RegExp]>([
    [
      'the latest base tag',
      /ARG NODE_IMAGE=\S+/,
      'ARG NODE_IMAGE=node:latest',
      /base image node:latest uses the floating "latest" tag/,
    ],
    ['an untagged base', /ARG NODE_IMAGE=\S+/, 'ARG NODE_IMAGE=node', /base image node has no tag/],
    ['a user name instead of a UID', 'USER 1000:1000', 'USER node', /USER node is not numeric/],
    ['root', 'USER 1000:1000', 'USER 0', /USER 0 is root/],
    ['no USER', /\nUSER 1000:1000/, '', /no USER: the service would run as root/],
    [
      'NODE_ENV left out',
      'ENV NODE_ENV=production \\\n  KF_HOST',
      'ENV KF_HOST',
      /stage runtime: NODE_ENV is not production/,
    ],
    [
      'a CMD path the build does not emit',
      /CMD \["node", "[^"]+"\]/,
      'CMD ["node", "dist/main.js"]',
      new RegExp(`does not run ${escape(facts.build.entryEmitted)}, which the build emits`),
    ],
    [
      'a shell-form CMD',
      /CMD \["node", "[^"]+"\]/,
      'CMD node dist/main.js',
      /CMD is missing or not in exec form/,
    ],
    [
      'a HEALTHCHECK on a missing route',
      "'/health/live'",
      "'/healthz'",
      /HEALTHCHECK path \/healthz is not a GET route/,
    ],
    [
      'devDependencies in the image',
      'npm ci --omit=dev ',
      'npm ci ',
      /stage prod-deps: npm ci without --omit=dev ships devDependencies/,
    ],
    [
      'pruning a package the service imports',
      'rm -rf node_modules/node-rdkafka',
      'rm -rf node_modules/ioredis',
      /prunes ioredis, which the service imports/,
    ],
    [
      'a build stage that forgets a source folder',
      /\nCOPY libs \.\/libs/,
      '',
      /the build reads libs but the stage never copies it/,
    ],
    [
      'dist/ not from the build stage',
      'COPY --from=build /src/dist ./dist',
      'COPY dist ./dist',
      /dist\/ is not copied from a stage that runs npm run build/,
    ],
  ])('fails on %s', (_name, from, to, expected) => {
    expect(findingsOf(broken(dockerfile, from, to))).toMatch(expected);
  });

  it('fails on a single-stage build', () => {
    const single = `FROM node:20.20.0-bookworm-slim\nCOPY . .\nRUN npm ci --omit=dev && npm run build\nUSER 1000\nCMD ["node", "${facts.build.entryEmitted}"]\n`;
    expect(findingsOf(single)).toMatch(/single stage/);
  });

  it.each<[string, string | RegExp, string, RegExp]>([
    [
      'a source the build copies',
      '\nbench\n',
      '\nbench\nlibs\n',
      /\.dockerignore: excludes libs, which Dockerfile stage build copies/,
    ],
    ['a glob over a source', '\nbench\n', '\nbench\n**/tsconfig*.json\n', /excludes tsconfig.json/],
    [
      'local node_modules let in',
      '\nnode_modules\n',
      '\n',
      /\.dockerignore: node_modules is sent to the build context/,
    ],
  ])('fails when .dockerignore excludes or lets in %s', (_name, from, to, expected) => {
    expect(findingsOf(dockerfile, broken(dockerignore, from, to))).toMatch(expected);
  });
});
