import 'reflect-metadata';
import { ConsoleLogger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import type { ServiceConfig } from './config/service-config';
import { ServiceMetrics } from './metrics/service-metrics';

const LOG_LEVELS = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
} as const;

/**
 * Builds and starts the config service. Used by `main.ts` and by the end-to-end tests, which start
 * (and restart) real instances against the real stack.
 */
export async function startConfigService(config: ServiceConfig): Promise<INestApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, trustProxy: true });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new ConsoleLogger({ json: true, logLevels: [...LOG_LEVELS[config.logLevel]] }),
    bufferLogs: false,
  });
  const metrics = app.get(ServiceMetrics);
  const fastify = adapter.getInstance();
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    // Route *patterns* keep the label bounded; unmatched URLs collapse into one value.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  return app;
}
