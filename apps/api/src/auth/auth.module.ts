import { Module } from '@nestjs/common';
import { ApiKeyRegistry } from './api-keys';

@Module({ providers: [ApiKeyRegistry], exports: [ApiKeyRegistry] })
export class AuthModule {}
