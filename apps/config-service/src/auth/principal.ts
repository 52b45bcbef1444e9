import { KafkaFleetError } from '@kafka-fleet/core';

export type Role = 'admin' | 'operator' | 'app';

export interface Principal {
  readonly name: string;
  readonly role: Role;
  /** For application tokens: the one app they act for. */
  readonly app?: string;
}

export class UnauthenticatedError extends KafkaFleetError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends KafkaFleetError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** App tokens may act only for their own app; admins and operators for any. */
export function assertActsFor(principal: Principal, app: string): void {
  if (principal.role === 'app' && principal.app !== app) {
    throw new ForbiddenError(`token "${principal.name}" is scoped to app "${principal.app}", not "${app}"`);
  }
}
