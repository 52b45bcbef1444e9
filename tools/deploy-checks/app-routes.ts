import 'reflect-metadata';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { AppModule } from '../../apps/config-service/src/app.module';
import { Public } from '../../apps/config-service/src/auth/auth.guard';
import { loadServiceConfig } from '../../apps/config-service/src/config/service-config';

/** One HTTP route of the config service, read from its controllers' decorators. */
export interface AppRoute {
  readonly method: string;
  readonly path: string;
  /** Reachable without a bearer token, as the kubelet and Prometheus must reach it. */
  readonly public: boolean;
}

/**
 * Every route the service registers, from the same metadata Nest's router reads, for the
 * controllers `AppModule` really mounts: a probe or scrape path can only pass if the app serves it.
 */
export function listAppRoutes(): AppRoute[] {
  const publicKey = Public().KEY;
  const controllers: Array<Type<unknown>> = AppModule.forRoot(loadServiceConfig({})).controllers ?? [];
  const routes: AppRoute[] = [];
  for (const controller of controllers) {
    const prefix = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
    const controllerPublic = Reflect.getMetadata(publicKey, controller) === true;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const paths = Reflect.getMetadata(PATH_METADATA, handler);
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const isPublic = controllerPublic || Reflect.getMetadata(publicKey, handler) === true;
      for (const base of prefix) {
        for (const path of pathsOf(paths))
          routes.push({ method, path: joinPath(base, path), public: isPublic });
      }
    }
  }
  return routes;
}

/** The route serving `GET path`, with `:param` segments matching any one segment. */
export function findGetRoute(routes: readonly AppRoute[], path: string): AppRoute | undefined {
  const wanted = segments(path.split('?')[0]);
  return routes.find((route) => {
    if (route.method !== 'GET' && route.method !== 'ALL') return false;
    const pattern = segments(route.path);
    return pattern.length === wanted.length && pattern.every((s, i) => s.startsWith(':') || s === wanted[i]);
  });
}

function pathsOf(metadata: unknown): string[] {
  if (Array.isArray(metadata)) return metadata.map(String);
  return [metadata === undefined ? '/' : String(metadata)];
}

const segments = (path: string): string[] => path.split('/').filter(Boolean);
const joinPath = (...parts: string[]): string => `/${parts.flatMap(segments).join('/')}`;
