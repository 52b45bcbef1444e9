import { Controller, Delete, Get, Param, Query } from '@nestjs/common';
import { Allow } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ErasService, type EraRetirement, type EraView } from './eras.service';

/** The earlier placements a topic's shuffles left behind, who still has to read them, and their retirement. */
@Controller('v1/topics/:name/eras')
export class ErasController {
  constructor(private readonly eras: ErasService) {}

  /** Each era with every group Kafka holds offsets for there: passed its fence, or behind by how much. */
  @Get()
  @Allow('operator')
  list(@Param('name') name: string): Promise<EraView[]> {
    return this.eras.list(name);
  }

  /**
   * Retires an era: clients stop reading it and its physical topic is deleted. Refused (409, naming
   * the groups and what each would lose) while a group has not read it up to its fence, unless
   * `force=true`.
   */
  @Delete(':epoch')
  @Allow('operator')
  retire(
    @Param('name') name: string,
    @Param('epoch') epoch: string,
    @Query('force') force: string | undefined,
    @CurrentPrincipal() who: Principal,
  ): Promise<EraRetirement> {
    return this.eras.retire(name, epoch, force === 'true', who.name);
  }
}
