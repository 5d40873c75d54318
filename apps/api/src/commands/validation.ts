import { plainToInstance } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Length, Matches, validateSync, ValidationError } from 'class-validator';
import { BadUserInputError, CLIENT_ID, FieldProblem, SESSION_ID } from '@ledger/domain';

/**
 * Input validation at the edge, with class-validator, shared by every mutation's input. GraphQL
 * has already checked types and enum values; these add formats, lengths and ranges, and every
 * problem is reported with its field path so a person can fix the request.
 */

export const IsSessionId = () => Matches(SESSION_ID, { message: 'must be "session_" followed by 32 lowercase hex characters' });
export const IsClientId = () => Matches(CLIENT_ID, { message: 'must be 1-128 characters of letters, digits and _ . : @ / -' });
export const IsJsonObject = () => IsObject({ message: 'must be a JSON object' });

export const Tags = () => (target: object, key: string) => {
  IsOptional()(target, key);
  IsArray()(target, key);
  ArrayMaxSize(50)(target, key);
  IsString({ each: true })(target, key);
  Length(1, 100, { each: true })(target, key);
};

function problemsOf(errors: ValidationError[], prefix: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      // class-validator starts messages with the property name; the field path already says it.
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return [...own, ...problemsOf(error.children ?? [], field)];
  });
}

/** Validates a GraphQL input object; BAD_USER_INPUT with every problem listed otherwise. */
export function validateInput<T extends object>(type: new () => T, value: unknown, name = 'input'): T {
  const instance = plainToInstance(type, value ?? {});
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const fields = problemsOf(errors, name);
    throw new BadUserInputError(fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
  }
  // The client's own values go on, not class-transformer's copies: JSON payloads stay exactly as sent.
  return value as T;
}
