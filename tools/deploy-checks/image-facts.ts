import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listAppRoutes } from './app-routes';
import { packagesReachedFrom, serviceBuildOutput } from './build-output';
import type { ImageFacts } from './dockerfile-policy';

const root = join(__dirname, '../..');

/** Gathers, from the repository itself, everything the Dockerfile is checked against. */
export function loadImageFacts(): ImageFacts {
  const build = serviceBuildOutput();
  return {
    build,
    routes: listAppRoutes(),
    runtimePackages: packagesReachedFrom(build.entrySource, build.tsconfig),
    packagesWithInstallScripts: productionInstallScripts(),
  };
}

function productionInstallScripts(): Set<string> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }>;
  };
  return new Set(
    Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript && !entry.dev)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
  );
}
