import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { GroupControl, GroupSummary, GroupView } from '@kafka-fleet/contracts';
import { Allow } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { GroupsService } from './groups.service';

@Controller('v1/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @Allow('operator')
  list(): Promise<GroupSummary[]> {
    return this.groups.list();
  }

  /** Members and their assignment (from heartbeats), committed offsets and lag (from Kafka). */
  @Get(':id')
  @Allow('operator')
  get(@Param('id') id: string): Promise<GroupView> {
    return this.groups.get(id);
  }

  /** Every member stops fetching (all its partitions paused) until the group is resumed. */
  @Post(':id/pause')
  @HttpCode(200)
  @Allow('operator')
  pause(@Param('id') id: string, @CurrentPrincipal() who: Principal): Promise<GroupControl> {
    return this.groups.setPaused(id, true, who);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Allow('operator')
  resume(@Param('id') id: string, @CurrentPrincipal() who: Principal): Promise<GroupControl> {
    return this.groups.setPaused(id, false, who);
  }
}
