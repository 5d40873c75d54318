import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { END_STATUSES, EndStatus } from '@ledger/domain';
import { IsSessionId } from '../validation';

export class EndSessionInput {
  @IsSessionId() sessionId!: string;
  @IsOptional() @IsIn(END_STATUSES, { message: 'must be COMPLETED, FAILED, CANCELLED or ENDED' }) status?: EndStatus | null;
  @IsOptional() @IsString() @MaxLength(10_000) reason?: string | null;
}
