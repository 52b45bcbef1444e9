import { Controller, Get, Query } from '@nestjs/common';
import type { AuditEntry } from '@kafka-fleet/contracts';
import { ValidationError } from '@kafka-fleet/core';
import { Allow } from '../auth/auth.guard';
import { intQuery } from '../http/query';
import { FleetRepository } from '../storage/fleet.repository';

@Controller('v1/audit')
export class AuditController {
  constructor(private readonly repo: FleetRepository) {}

  /** Newest first; page with `before=<id of the last entry seen>`. */
  @Get()
  @Allow('operator')
  query(
    @Query('limit') limit?: string,
    @Query('before') before?: string,
    @Query('kind') kind?: string,
    @Query('entity') entity?: string,
  ): Promise<AuditEntry[]> {
    if (before !== undefined && !/^\d+-\d+$/.test(before)) {
      throw new ValidationError('query parameter before must be an audit entry id', [
        { path: 'before', reason: 'must look like 1700000000000-0' },
      ]);
    }
    return this.repo.audit(intQuery('limit', limit, 100, 1, 1000), before, { kind, entity });
  }
}
