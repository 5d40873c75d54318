import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, Min, ValidateNested } from 'class-validator';
import { RUN_EVENT_TYPES } from '@ledger/domain';
import { IsClientId, IsJsonObject, IsSessionId } from '../validation';

export class RunEventInput {
  @IsOptional() @IsClientId() id?: string | null;
  @IsIn(RUN_EVENT_TYPES) type!: (typeof RUN_EVENT_TYPES)[number];
  @IsOptional() @IsISO8601({ strict: true }, { message: 'must be an ISO-8601 date-time' }) at?: string | null;
  @IsJsonObject() data!: Record<string, unknown>;
}

export class AppendRunEventsInput {
  @IsSessionId() sessionId!: string;
  @IsOptional() @IsClientId() runId?: string | null;
  @IsOptional() @IsInt() @Min(-1) expectedSequence?: number | null;
  @IsArray() @ArrayMinSize(1, { message: 'must hold at least one event' }) @ValidateNested({ each: true }) @Type(() => RunEventInput)
  events!: RunEventInput[];
}
