import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { SESSION_STATUSES } from '@ledger/domain';
import { IsJsonObject, IsSessionId, Tags } from '../validation';

export class UpdateSessionInput {
  @IsSessionId() sessionId!: string;
  @IsOptional() @IsInt() @Min(-1) expectedSequence?: number | null;
  @IsOptional() @IsString() @MaxLength(500) title?: string | null;
  @Tags() tags?: string[] | null;
  @IsOptional() @IsIn(SESSION_STATUSES) status?: (typeof SESSION_STATUSES)[number] | null;
  @IsOptional() @IsJsonObject() metadata?: Record<string, unknown> | null;
}
