import { plainToInstance, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Length, Matches, ValidateNested, validateSync, ValidationError } from 'class-validator';
import { BadUserInputError, CLIENT_ID, FieldProblem, SESSION_ID } from '@ledger/domain';
import { jsonValueProblem, stringProblem } from '../edge/json-limits';

/**
 * Input validation at the edge, with class-validator, shared by every mutation's input. GraphQL
 * has already checked types and enum values; these add formats, lengths and ranges, and every
 * problem is reported with its field path so a person can fix the request.
 */

export const IsSessionId = () => Matches(SESSION_ID, { message: 'must be "session_" followed by 32 lowercase hex characters' });
export const IsClientId = () => Matches(CLIENT_ID, { message: 'must be 1-128 characters of letters, digits and _ . : @ / -' });
/**
 * Free-form JSON fields (`data`, `metadata`, `input`, `output`) and nested input objects, by
 * class. class-transformer must never walk client JSON: it recurses without a bound and treats a
 * `constructor` key as a class to instantiate (both answered INTERNAL). validateInput hands it a
 * skeleton in which every JSON field is replaced by an empty value of the same JSON kind, after
 * checking the field's limits (depth, finite numbers, well-formed text) itself.
 */
const JSON_FIELDS = new Map<Function, string[]>();
const NESTED_FIELDS = new Map<Function, Array<{ key: string; type: () => Function }>>();

/** A field holding any JSON value, validated by its limits only. */
export const JsonField = () => (target: object, key: string) => {
  JSON_FIELDS.set(target.constructor, [...(JSON_FIELDS.get(target.constructor) ?? []), key]);
};

/** A field holding a JSON object. */
export const IsJsonObject = () => (target: object, key: string) => {
  JsonField()(target, key);
  IsObject({ message: 'must be a JSON object' })(target, key);
};

/** A nested input object (or a list of them with `each`). */
export const Nested = (type: () => Function, options: { each?: boolean } = {}) => (target: object, key: string) => {
  ValidateNested(options)(target, key);
  Type(type)(target, key);
  NESTED_FIELDS.set(target.constructor, [...(NESTED_FIELDS.get(target.constructor) ?? []), { key, type }]);
};

function emptyOfKind(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (typeof value === 'object' && value !== null) return {};
  return value;
}

/** Plain fields (strings, lists of strings): no lone surrogates. */
function checkText(value: unknown, path: string, problems: FieldProblem[]): void {
  const values = Array.isArray(value) ? value : [value];
  values.forEach((element, index) => {
    const problem = typeof element === 'string' ? stringProblem(element) : null;
    if (problem) problems.push({ field: Array.isArray(value) ? `${path}[${index}]` : path, message: problem });
  });
}

/** The input with its JSON fields emptied (see JSON_FIELDS); JSON limits and text checked on the way. */
function skeleton(type: Function, value: unknown, path: string, problems: FieldProblem[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((element, index) => skeleton(type, element, `${path}[${index}]`, problems));
  const source = value as Record<string, unknown>;
  const jsonFields = JSON_FIELDS.get(type) ?? [];
  const nestedFields = NESTED_FIELDS.get(type) ?? [];
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      // GraphQL input objects have no such field; only a non-GraphQL caller can send one.
      problems.push({ field: `${path}.${key}`, message: 'is not a field of this input' });
      continue;
    }
    const child = source[key];
    const nested = nestedFields.find((field) => field.key === key);
    if (jsonFields.includes(key)) {
      const problem = jsonValueProblem(child);
      if (problem) problems.push({ field: `${path}.${key}`, message: problem });
      copy[key] = emptyOfKind(child);
    } else if (nested) {
      copy[key] = skeleton(nested.type(), child, `${path}.${key}`, problems);
    } else {
      checkText(child, `${path}.${key}`, problems);
      copy[key] = child;
    }
  }
  return copy;
}

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
  const problems: FieldProblem[] = [];
  const instance = plainToInstance(type, skeleton(type, value ?? {}, name, problems));
  const errors = validateSync(instance as object, { forbidUnknownValues: false });
  if (errors.length > 0 || problems.length > 0) {
    const fields = [...problems, ...problemsOf(errors, name)];
    throw new BadUserInputError(fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
  }
  // The client's own values go on, not class-transformer's copies: JSON payloads stay exactly as sent.
  return value as T;
}
