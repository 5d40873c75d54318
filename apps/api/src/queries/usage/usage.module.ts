import { Module } from '@nestjs/common';
import { UsageQuery } from './usage.query';
import { UsageResolver } from './usage.resolver';

@Module({ providers: [UsageQuery, UsageResolver] })
export class UsageModule {}
