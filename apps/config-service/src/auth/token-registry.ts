import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '../config/config.tokens';
import type { ServiceConfig, TokenEntry } from '../config/service-config';
import { UnauthenticatedError, type Principal } from './principal';

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Looks bearer tokens up by their SHA-256; the service never holds a plaintext token. */
@Injectable()
export class TokenRegistry {
  private readonly byHash: ReadonlyMap<string, TokenEntry>;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.byHash = new Map(config.tokens.map((t) => [t.sha256, t]));
  }

  authenticate(authorization: string | undefined): Principal {
    if (!authorization)
      throw new UnauthenticatedError('missing Authorization header (expected "Bearer <token>")');
    const match = /^Bearer ([\x21-\x7e]{8,512})$/.exec(authorization);
    if (!match) throw new UnauthenticatedError('malformed Authorization header (expected "Bearer <token>")');
    const digest = hashToken(match[1]);
    const entry = this.byHash.get(digest);
    // The map lookup is on a hash, so timing reveals nothing about the token; compare anyway.
    if (!entry || !timingSafeEqual(Buffer.from(entry.sha256), Buffer.from(digest))) {
      throw new UnauthenticatedError('unknown or revoked token');
    }
    return { name: entry.name, role: entry.role, app: entry.app };
  }
}
