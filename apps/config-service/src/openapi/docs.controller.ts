import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { NotFoundError } from '@kafka-fleet/core';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.guard';
import { buildOpenApiDocument } from './openapi-document';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};
const assetDir = (() => {
  try {
    return join(require.resolve('swagger-ui-dist/package.json'), '..');
  } catch {
    return undefined; // the UI is optional; /docs/json always works
  }
})();

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>kafka-fleet config service API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/docs/json', dom_id: '#ui' });</script></body></html>`;

/** The OpenAPI document and a Swagger UI page, served without a static-file plugin. */
@Controller('docs')
@Public()
export class DocsController {
  private readonly document = JSON.stringify(buildOpenApiDocument());

  @Get('json')
  json(@Res() reply: FastifyReply): void {
    void reply.header('Content-Type', 'application/json; charset=utf-8').send(this.document);
  }

  @Get()
  page(@Res() reply: FastifyReply): void {
    void reply.header('Content-Type', 'text/html; charset=utf-8').send(PAGE);
  }

  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    const type = ASSETS[file];
    if (!type || !assetDir) throw new NotFoundError('asset', file);
    void reply
      .header('Content-Type', type)
      .header('Cache-Control', 'public, max-age=86400')
      .send(await readFile(join(assetDir, file)));
  }
}
