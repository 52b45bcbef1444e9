import { appsModule } from '../commands/apps.command';
import { auditModule } from '../commands/audit.command';
import { clustersModule } from '../commands/clusters.command';
import { groupsModule } from '../commands/groups.command';
import { instancesModule } from '../commands/instances.command';
import { rebalanceModule } from '../commands/rebalance.command';
import { resolveModule } from '../commands/resolve.command';
import { sessionModule } from '../commands/session.command';
import { shuffleModule } from '../commands/shuffle.command';
import { topicsModule } from '../commands/topics.command';
import type { CommandModule, CommandSpec } from './command';

/** Every command module, in the order root help lists them. Adding a module: one line here. */
export const MODULES: readonly CommandModule[] = [
  clustersModule,
  topicsModule,
  shuffleModule,
  rebalanceModule,
  appsModule,
  instancesModule,
  groupsModule,
  auditModule,
  resolveModule,
  sessionModule,
];

export const commandsOf = (modules: readonly CommandModule[]): readonly CommandSpec[] =>
  modules.flatMap((m) => m.commands);
