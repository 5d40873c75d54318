import { Module } from '@nestjs/common';
import { ManagedAgentsQuery } from './managed-agents.query';
import { ManagedAgentsResolver } from './managed-agents.resolver';

@Module({ providers: [ManagedAgentsQuery, ManagedAgentsResolver] })
export class ManagedAgentsModule {}
