import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, type Principal, type Role } from './principal';
import { TokenRegistry } from './token-registry';

const ROLES_KEY = 'kf:roles';
const PUBLIC_KEY = 'kf:public';

/** The roles allowed to call a handler (or every handler of a controller). */
export const Allow = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Health and metrics: reachable without a token (the NetworkPolicy restricts who can reach them). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export type AuthedRequest = FastifyRequest & { principal?: Principal };

/**
 * Deny by default: a handler without `@Allow` or `@Public` is reachable by admins only, so a
 * forgotten decorator fails closed. 401 = who are you; 403 = you may not, with the reason.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = this.tokens.authenticate(request.headers.authorization);
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? ['admin'];
    if (principal.role !== 'admin' && !allowed.includes(principal.role)) {
      throw new ForbiddenError(
        `role "${principal.role}" may not ${request.method} ${request.routeOptions.url}`,
      );
    }
    request.principal = principal;
    return true;
  }
}
