import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { RUN_FINISH_STATUSES, RunFinishStatus } from '@ledger/domain';
import { IsClientId, IsSessionId } from '../validation';

export class ErrorInput {
  @IsString() @Length(1, 200) code!: string;
  @IsString() @Length(1, 10_000) message!: string;
}

export class FinishRunInput {
  @IsSessionId() sessionId!: string;
  @IsClientId() runId!: string;
  @IsIn(RUN_FINISH_STATUSES, { message: 'must be COMPLETED, FAILED or CANCELLED' }) status!: RunFinishStatus;
  @IsOptional() output?: unknown;
  @IsOptional() @ValidateNested() @Type(() => ErrorInput) error?: ErrorInput | null;
}
