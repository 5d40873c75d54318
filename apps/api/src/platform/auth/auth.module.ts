import { Module } from '@nestjs/common';
import { ApiKeyRegistry } from './api-keys';
import { WhoamiResolver } from './whoami.resolver';

@Module({ providers: [ApiKeyRegistry, WhoamiResolver], exports: [ApiKeyRegistry] })
export class AuthModule {}
