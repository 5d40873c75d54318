import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsClientId, IsSessionId } from '../validation';

export class StartRunInput {
  @IsSessionId() sessionId!: string;
  @IsOptional() @IsClientId() runId?: string | null;
  @IsOptional() @IsString() @MaxLength(200) model?: string | null;
  @IsOptional() @IsString() @MaxLength(200) agentName?: string | null;
  @IsOptional() input?: unknown;
}
