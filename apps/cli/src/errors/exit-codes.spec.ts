import { ERROR_CODES } from '@kafka-fleet/contracts';
import { KafkaFleetError, NotFoundError } from '@kafka-fleet/core';
import { serviceErrorFrom } from '../http/service-errors';
import {
  CliConfigError,
  NetworkError,
  ServiceError,
  UnexpectedResponseError,
  UsageError,
} from './cli-errors';
import { describeError } from './error-report';
import { EXIT, EXIT_CODE_HELP, exitCodeFor } from './exit-codes';

const body = (error: Record<string, unknown>) => JSON.stringify({ error });

describe('error → exit code', () => {
  it.each([
    [400, 'INVALID_ARGUMENT', EXIT.badInput],
    [413, 'INVALID_ARGUMENT', EXIT.badInput],
    [401, 'UNAUTHENTICATED', EXIT.auth],
    [403, 'FORBIDDEN', EXIT.auth],
    [404, 'NOT_FOUND', EXIT.notFound],
    [409, 'CONFLICT', EXIT.conflict],
    [500, 'INTERNAL', EXIT.unexpected],
    [502, 'BACKEND_ERROR', EXIT.unavailable],
    [503, 'UNAVAILABLE', EXIT.unavailable],
    [504, 'TIMEOUT', EXIT.unavailable],
  ])('service answer %i %s exits %i', (status, code, exit) => {
    const error = serviceErrorFrom(status, body({ code, message: 'm', retriable: false }));
    expect(error.code).toBe(code);
    expect(exitCodeFor(error)).toBe(exit);
  });

  it.each([
    [new UsageError('bad flag'), EXIT.usage],
    [new CliConfigError('no url'), EXIT.usage],
    [new NetworkError('refused'), EXIT.unavailable],
    [new UnexpectedResponseError('html'), EXIT.unexpected],
    [new NotFoundError('topic', 't'), EXIT.notFound],
    [new Error('bug'), EXIT.unexpected],
    ['thrown string', EXIT.unexpected],
  ])('%p exits %i', (error, exit) => {
    expect(exitCodeFor(error)).toBe(exit);
  });

  it('gives every wire error code a documented exit code', () => {
    const documented = new Set(EXIT_CODE_HELP.map(([code]) => code));
    for (const code of ERROR_CODES) {
      expect(documented).toContain(exitCodeFor(new KafkaFleetError(code, 'x')));
    }
  });
});

describe('service error bodies', () => {
  it('keeps the code, reason, field issues and retriability the service sent', () => {
    const error = serviceErrorFrom(
      400,
      body({
        code: 'INVALID_ARGUMENT',
        message: 'invalid request body: partitions must be at least 1',
        retriable: false,
        fields: [{ path: 'partitions', reason: 'must be at least 1' }],
      }),
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      status: 400,
      retriable: false,
      fields: [{ path: 'partitions', reason: 'must be at least 1' }],
    });
    expect(
      serviceErrorFrom(503, body({ code: 'UNAVAILABLE', message: 'redis down', retriable: true })).retriable,
    ).toBe(true);
  });

  it('names the current version of a lost compare-and-set', () => {
    const error = serviceErrorFrom(
      409,
      body({ code: 'CONFLICT', message: 'stale version', currentVersion: 12 }),
    );
    expect(error.message).toBe('stale version (current version 12)');
  });

  it('falls back to the status for bodies it cannot read, keeping a short excerpt', () => {
    const html = `<html>\n<body>${'Bad gateway '.repeat(40)}</body></html>`;
    const error = serviceErrorFrom(502, html);
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message.length).toBeLessThanOrEqual(120);
    expect(error.message).not.toContain('\n');
    expect(serviceErrorFrom(418, '').message).toBe('no error body');
    expect(serviceErrorFrom(404, body({ code: 'MARTIAN', message: 'gone' })).code).toBe('NOT_FOUND');
  });
});

describe('error report', () => {
  it('is one line with status, code and reason, then one line per field', () => {
    const error = serviceErrorFrom(
      400,
      body({
        code: 'INVALID_ARGUMENT',
        message: 'invalid request body',
        fields: [
          { path: 'name', reason: 'may contain only ASCII letters' },
          { path: 'partitions', reason: 'must be at least 1' },
        ],
      }),
    );
    expect(describeError(error, { tokenConfigured: true })).toEqual([
      'HTTP 400 INVALID_ARGUMENT: invalid request body',
      '  name: may contain only ASCII letters',
      '  partitions: must be at least 1',
    ]);
  });

  it('hints at the token only when none is configured', () => {
    const error = serviceErrorFrom(
      401,
      body({ code: 'UNAUTHENTICATED', message: 'missing Authorization header' }),
    );
    expect(describeError(error, { tokenConfigured: true })).toHaveLength(1);
    expect(describeError(error, { tokenConfigured: false })[1]).toMatch(
      /no token configured: pass --token, set KAFKA_FLEET_TOKEN/,
    );
  });

  it('reports local and unexpected errors in one line', () => {
    expect(
      describeError(new NetworkError('cannot reach http://x: ECONNREFUSED'), { tokenConfigured: true }),
    ).toEqual(['cannot reach http://x: ECONNREFUSED']);
    expect(describeError(new TypeError('x is undefined'), { tokenConfigured: true })).toEqual([
      'unexpected: x is undefined',
    ]);
  });
});
