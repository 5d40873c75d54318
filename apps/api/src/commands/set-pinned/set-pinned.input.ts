import { IsBoolean } from 'class-validator';
import { IsSessionId } from '../validation';

export class SetPinnedInput {
  @IsSessionId() sessionId!: string;
  @IsBoolean() pinned!: boolean;
}
