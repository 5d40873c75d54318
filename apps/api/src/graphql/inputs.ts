import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  validateSync,
  ValidationError,
} from 'class-validator';
import {
  BadUserInputError,
  FieldProblem,
  PRINCIPAL_TYPES,
  RUN_EVENT_TYPES,
  SESSION_KINDS,
  SESSION_STATUSES,
} from '@ledger/domain';
import { jsonValueProblem, stringProblem } from '../edge/json-limits';

/**
 * Input validation at the edge, with class-validator. GraphQL has already checked types and
 * enum values; these add formats, lengths and ranges, and every problem is reported with its
 * field path so a person can fix the request.
 */

/**
 * Free-form JSON fields (`data`, `metadata`, `input`, `output`) and nested input objects, by
 * class. class-transformer must never walk client JSON: it recurses without a bound and treats a
 * `constructor` key as a class to instantiate. validateInput hands it a skeleton in which every
 * JSON field is replaced by an empty value of the same JSON kind, after checking the field's
 * limits itself.
 */
const JSON_FIELDS = new Map<Function, string[]>();
const NESTED_FIELDS = new Map<Function, Array<{ key: string; type: () => Function }>>();

function JsonField() {
  return (target: object, key: string) => {
    const fields = JSON_FIELDS.get(target.constructor) ?? [];
    JSON_FIELDS.set(target.constructor, [...fields, key]);
  };
}

function Nested(type: () => Function, options: { each?: boolean } = {}) {
  return (target: object, key: string) => {
    ValidateNested(options)(target, key);
    Type(type)(target, key);
    const fields = NESTED_FIELDS.get(target.constructor) ?? [];
    NESTED_FIELDS.set(target.constructor, [...fields, { key, type }]);
  };
}

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

const SESSION_ID = /^session_[0-9a-f]{32}$/;
const CLIENT_ID = /^[A-Za-z0-9_.:@/-]{1,128}$/;
const sessionIdMessage = { message: 'must be "session_" followed by 32 lowercase hex characters' };
const clientIdMessage = { message: 'must be 1-128 characters of letters, digits and _ . : @ / -' };

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

export class ErrorInput {
  @IsString() @Length(1, 200) code!: string;
  @IsString() @Length(1, 10_000) message!: string;
}

const Tags = () => (target: object, key: string) => {
  IsOptional()(target, key);
  IsArray()(target, key);
  ArrayMaxSize(50)(target, key);
  IsString({ each: true })(target, key);
  Length(1, 100, { each: true })(target, key);
};

export class StartSessionInput {
  @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string | null;
  @IsIn(SESSION_KINDS) kind!: (typeof SESSION_KINDS)[number];
  @IsOptional() @Matches(CLIENT_ID, clientIdMessage) accountId?: string | null;
  @IsOptional() @IsString() @MaxLength(500) title?: string | null;
  @Tags() tags?: string[] | null;
  @IsOptional() @Nested(() => PrincipalInput) owner?: PrincipalInput | null;
  @IsOptional() @Nested(() => SessionSourceInput) source?: SessionSourceInput | null;
  @IsOptional() @IsString() @MaxLength(200) initiative?: string | null;
  @IsOptional() @IsString() @MaxLength(200) flowId?: string | null;
  @IsOptional() @IsString() @MaxLength(200) model?: string | null;
  @IsOptional() @Matches(SESSION_ID, sessionIdMessage) parentSessionId?: string | null;
  @IsOptional() @Nested(() => SubagentInput) subagent?: SubagentInput | null;
  @IsOptional() @Nested(() => EnvironmentInput) environment?: EnvironmentInput | null;
  @IsOptional() @IsInt() @Min(1) @Max(100_000) totalSteps?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(30 * 24 * 3600) idleTimeoutSeconds?: number | null;
  @IsOptional() @IsIn(SESSION_STATUSES) status?: (typeof SESSION_STATUSES)[number] | null;
  @IsOptional() @JsonField() @IsObject({ message: 'must be a JSON object' }) metadata?: Record<string, unknown> | null;
}

export class UpdateSessionInput {
  @Matches(SESSION_ID, sessionIdMessage) sessionId!: string;
  @IsOptional() @IsInt() @Min(-1) expectedSequence?: number | null;
  @IsOptional() @IsString() @MaxLength(500) title?: string | null;
  @Tags() tags?: string[] | null;
  @IsOptional() @IsIn(SESSION_STATUSES) status?: (typeof SESSION_STATUSES)[number] | null;
  @IsOptional() @JsonField() @IsObject({ message: 'must be a JSON object' }) metadata?: Record<string, unknown> | null;
}

export class StartRunInput {
  @Matches(SESSION_ID, sessionIdMessage) sessionId!: string;
  @IsOptional() @Matches(CLIENT_ID, clientIdMessage) runId?: string | null;
  @IsOptional() @IsString() @MaxLength(200) model?: string | null;
  @IsOptional() @JsonField() input?: unknown;
}

export class RunEventInput {
  @IsOptional() @Matches(CLIENT_ID, clientIdMessage) id?: string | null;
  @IsIn(RUN_EVENT_TYPES) type!: (typeof RUN_EVENT_TYPES)[number];
  @IsOptional() @IsISO8601({ strict: true }, { message: 'must be an ISO-8601 date-time' }) at?: string | null;
  @JsonField() @IsObject({ message: 'must be a JSON object' }) data!: Record<string, unknown>;
}

export class AppendRunEventsInput {
  @Matches(SESSION_ID, sessionIdMessage) sessionId!: string;
  @IsOptional() @Matches(CLIENT_ID, clientIdMessage) runId?: string | null;
  @IsOptional() @IsInt() @Min(-1) expectedSequence?: number | null;
  @IsArray() @ArrayMinSize(1, { message: 'must hold at least one event' }) @Nested(() => RunEventInput, { each: true })
  events!: RunEventInput[];
}

export class FinishRunInput {
  @Matches(SESSION_ID, sessionIdMessage) sessionId!: string;
  @Matches(CLIENT_ID, clientIdMessage) runId!: string;
  @IsIn(['COMPLETED', 'FAILED', 'CANCELLED'], { message: 'must be COMPLETED, FAILED or CANCELLED' }) status!: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  @IsOptional() @JsonField() output?: unknown;
  @IsOptional() @Nested(() => ErrorInput) error?: ErrorInput | null;
}

export class ResolveCheckpointInput {
  @Matches(SESSION_ID, sessionIdMessage) sessionId!: string;
  @Matches(CLIENT_ID, clientIdMessage) runId!: string;
  @IsIn(['APPROVE', 'REJECT']) decision!: 'APPROVE' | 'REJECT';
  @IsOptional() @IsString() @MaxLength(10_000) comment?: string | null;
}

export class EndSessionInput {
  @Matches(SESSION_ID, sessionIdMessage) sessionId!: string;
  @IsOptional() @IsIn(['COMPLETED', 'FAILED', 'CANCELLED', 'ENDED'], { message: 'must be COMPLETED, FAILED, CANCELLED or ENDED' })
  status?: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'ENDED' | null;
  @IsOptional() @IsString() @MaxLength(10_000) reason?: string | null;
}

export class SetPinnedInput {
  @Matches(SESSION_ID, sessionIdMessage) sessionId!: string;
  @IsBoolean() pinned!: boolean;
}

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
