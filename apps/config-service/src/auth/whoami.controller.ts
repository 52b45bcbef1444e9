import { Controller, Get } from '@nestjs/common';
import { Allow } from './auth.guard';
import type { Principal } from './principal';
import { CurrentPrincipal } from './principal.decorator';

/**
 * Which principal a token maps to. Operators use it to check a CLI context before running
 * mutations; app tokens may call it too, since it only reveals what the caller already holds.
 */
@Controller('v1')
export class WhoamiController {
  @Get('whoami')
  @Allow('operator', 'app')
  whoami(@CurrentPrincipal() who: Principal): Principal {
    return { name: who.name, role: who.role, ...(who.app ? { app: who.app } : {}) };
  }
}
