import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PRINCIPAL_TYPES, SESSION_KINDS, SESSION_STATUSES } from '@ledger/domain';
import { IsClientId, IsJsonObject, IsSessionId, Tags } from '../validation';

export class PrincipalInput {
  @IsIn(PRINCIPAL_TYPES) type!: string;
  @IsString() @Length(1, 200) id!: string;
  @IsOptional() @IsString() @MaxLength(200) name?: string | null;
}

export class SessionSourceInput {
  @IsString() @Length(1, 100) type!: string;
  @IsString() @Length(1, 500) id!: string;
  @IsOptional() @IsString() @MaxLength(1000) reference?: string | null;
}

export class SubagentInput {
  @IsString() @Length(1, 200) name!: string;
  @IsOptional() @IsString() @MaxLength(10_000) task?: string | null;
}

export class EnvironmentInput {
  @IsOptional() @IsString() @MaxLength(500) sandbox?: string | null;
  @IsOptional() @IsString() @MaxLength(500) profile?: string | null;
  @IsOptional() @IsString() @MaxLength(500) runtime?: string | null;
  @IsOptional() @IsString() @MaxLength(1000) repo?: string | null;
  @IsOptional() @IsString() @MaxLength(500) branch?: string | null;
  @IsOptional() @IsIn(['WEB', 'IDE', 'CLI', 'SCHEDULED', 'API']) surface?: 'WEB' | 'IDE' | 'CLI' | 'SCHEDULED' | 'API' | null;
}

export class StartSessionInput {
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string | null;
  @IsIn(SESSION_KINDS) kind!: (typeof SESSION_KINDS)[number];
  @IsOptional() @IsClientId() accountId?: string | null;
  @IsOptional() @IsString() @MaxLength(500) title?: string | null;
  @Tags() tags?: string[] | null;
  @IsOptional() @ValidateNested() @Type(() => PrincipalInput) owner?: PrincipalInput | null;
  @IsOptional() @ValidateNested() @Type(() => SessionSourceInput) source?: SessionSourceInput | null;
  @IsOptional() @IsString() @MaxLength(200) initiative?: string | null;
  @IsOptional() @IsString() @MaxLength(200) flowId?: string | null;
  @IsOptional() @IsString() @MaxLength(200) model?: string | null;
  @IsOptional() @IsSessionId() parentSessionId?: string | null;
  @IsOptional() @ValidateNested() @Type(() => SubagentInput) subagent?: SubagentInput | null;
  @IsOptional() @ValidateNested() @Type(() => EnvironmentInput) environment?: EnvironmentInput | null;
  @IsOptional() @IsInt() @Min(1) @Max(100_000) totalSteps?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(30 * 24 * 3600) idleTimeoutSeconds?: number | null;
  @IsOptional() @IsIn(SESSION_STATUSES) status?: (typeof SESSION_STATUSES)[number] | null;
  @IsOptional() @IsJsonObject() metadata?: Record<string, unknown> | null;
}
