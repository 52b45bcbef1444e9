import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ErrorBody } from '@kafka-fleet/contracts';
import { ConflictError, KafkaFleetError, ValidationError } from '@kafka-fleet/core';
import type { FastifyReply } from 'fastify';

const STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
  BACKEND_ERROR: 502,
  INTERNAL: 500,
};

/**
 * The one place domain errors become HTTP. Bodies carry a code, a reason and field issues, never a
 * stack trace; unexpected errors are logged (without request bodies) and answered with a bare 500.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.toResponse(exception);
    if (status >= 500) {
      this.logger.error({ msg: 'request failed', status, error: (exception as Error)?.message });
    }
    if (status === 401) reply.header('WWW-Authenticate', 'Bearer');
    // The rest of an oversized body is never read: close the connection rather than leave the
    // client blocked writing it.
    if (status === 413) reply.header('Connection', 'close');
    void reply.status(status).send(body);
  }

  private toResponse(exception: unknown): [number, ErrorBody] {
    if (exception instanceof KafkaFleetError) {
      return [
        STATUS[exception.code] ?? 500,
        {
          error: {
            code: exception.code,
            message: exception.message,
            retriable: exception.retriable,
            ...(exception instanceof ValidationError && exception.fields.length
              ? { fields: exception.fields }
              : {}),
            ...(exception instanceof ConflictError && exception.currentVersion !== undefined
              ? { currentVersion: exception.currentVersion }
              : {}),
          },
        },
      ];
    }
    if (exception instanceof HttpException) {
      // Framework-level refusals: unknown route, body too large, unsupported media type…
      const status = exception.getStatus();
      const code = status === 404 ? 'NOT_FOUND' : status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL';
      return [status, { error: { code, message: exception.message, retriable: false } }];
    }
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Fastify's own parse errors (body too large, malformed JSON) arrive as plain errors.
      return [
        fastifyStatus,
        { error: { code: 'INVALID_ARGUMENT', message: (exception as Error).message, retriable: false } },
      ];
    }
    return [500, { error: { code: 'INTERNAL', message: 'internal error', retriable: true } }];
  }
}
