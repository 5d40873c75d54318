import { Module } from '@nestjs/common';
import { ProjectionsResolver } from './projections.resolver';
import { ReadYourWrites } from './read-your-writes';

/** The projections: status, rebuild and verify (the audit), and the read-your-writes wait. */
@Module({ providers: [ProjectionsResolver, ReadYourWrites], exports: [ReadYourWrites] })
export class ProjectionsModule {}
