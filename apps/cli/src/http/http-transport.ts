import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { NetworkError } from '../errors/cli-errors';

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly text: string;
}

/** The one seam between the CLI and the network. */
export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Opens a streaming response (SSE); the caller reads and destroys it. */
  open(request: HttpRequest): Promise<IncomingMessage>;
}

/** Plain `node:http`/`node:https`: no dependency, and one short-lived CLI process needs no pool. */
export const nodeTransport: HttpTransport = {
  async send(request) {
    const response = await open(request, true);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of response) chunks.push(chunk as Buffer);
    } catch (error) {
      throw networkError(request, error);
    }
    return { status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') };
  },
  open: (request) => open(request, false),
};

/**
 * `bounded`: the timeout covers the whole exchange. Streams are bounded only until the response
 * headers arrive; after that, silence is normal and the watch's keepalives prove liveness.
 */
function open(request: HttpRequest, bounded: boolean): Promise<IncomingMessage> {
  const url = new URL(request.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: request.method,
      headers: {
        ...request.headers,
        ...(request.body !== undefined
          ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(request.body)) }
          : {}),
      },
      signal: request.signal,
    });
    let response: IncomingMessage | undefined;
    const timer = setTimeout(() => {
      const error = new NetworkError(`no answer from ${url.origin} within ${request.timeoutMs} ms`);
      // Destroying the response (not just the request) makes a reader see this error, not "aborted".
      if (response) response.destroy(error);
      else req.destroy(error);
    }, request.timeoutMs);
    const stop = () => clearTimeout(timer);
    req.on('response', (res) => {
      response = res;
      if (!bounded) stop();
      else res.on('close', stop);
      resolve(res);
    });
    req.on('error', (error) => {
      stop();
      reject(networkError(request, error));
    });
    req.end(request.body);
  });
}

function networkError(request: HttpRequest, error: unknown): NetworkError {
  if (error instanceof NetworkError) return error;
  const { origin } = new URL(request.url);
  const code = (error as NodeJS.ErrnoException).code;
  const detail =
    code && !(error as Error).message.includes(code)
      ? `${code} ${(error as Error).message}`
      : (error as Error).message;
  return new NetworkError(`cannot reach ${origin}: ${detail}`, { cause: error, context: { origin } });
}
