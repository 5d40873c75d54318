import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsClientId, IsSessionId } from '../validation';

export class ResolveCheckpointInput {
  @IsSessionId() sessionId!: string;
  @IsClientId() runId!: string;
  @IsIn(['APPROVE', 'REJECT']) decision!: 'APPROVE' | 'REJECT';
  @IsOptional() @IsString() @MaxLength(10_000) comment?: string | null;
}
