import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { FleetLoadView, RebalancePlanResource } from '@kafka-fleet/contracts';
import { Allow } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { FleetLoadService } from './fleet-load.service';
import { RebalancePlansService } from './rebalance-plans.service';

/** The fleet's load as the planner sees it: clusters and topics with their load and utilisation. */
@Controller('v1/load')
export class LoadController {
  constructor(private readonly load: FleetLoadService) {}

  @Get()
  @Allow('operator')
  get(): Promise<FleetLoadView> {
    return this.load.view();
  }
}

/**
 * Rebalance plans as resources: a dry run proposes one, an operator approves it, and executing it
 * moves the topics as shuffles, wave by wave.
 */
@Controller('v1/rebalance/plans')
@Allow('operator')
export class RebalancePlansController {
  constructor(private readonly plans: RebalancePlansService) {}

  /** A dry run: 201 with the proposed plan; nothing moves until it is approved and executed. */
  @Post()
  propose(@Body() body: unknown, @CurrentPrincipal() who: Principal): Promise<RebalancePlanResource> {
    return this.plans.propose(body ?? {}, who);
  }

  /** Every plan, newest first. */
  @Get()
  list(): Promise<RebalancePlanResource[]> {
    return this.plans.list();
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<RebalancePlanResource> {
    return this.plans.get(id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  approve(@Param('id') id: string, @CurrentPrincipal() who: Principal): Promise<RebalancePlanResource> {
    return this.plans.approve(id, who);
  }

  /** 202: the plan runs on after the answer (follow it with GET). */
  @Post(':id/execute')
  @HttpCode(202)
  execute(@Param('id') id: string, @CurrentPrincipal() who: Principal): Promise<RebalancePlanResource> {
    return this.plans.execute(id, who);
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id') id: string, @CurrentPrincipal() who: Principal): Promise<RebalancePlanResource> {
    return this.plans.pause(id, who);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id') id: string, @CurrentPrincipal() who: Principal): Promise<RebalancePlanResource> {
    return this.plans.resume(id, who);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string, @CurrentPrincipal() who: Principal): Promise<RebalancePlanResource> {
    return this.plans.cancel(id, who);
  }
}
