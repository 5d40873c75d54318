/**
 * Errors with stable codes that map one-to-one onto the contract's `extensions.code`.
 * Messages never carry credentials: they name fields and values a person can act on.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'SESSION_ENDED'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/** Every code the contract names, in its order. */
export const ERROR_CODES: readonly ErrorCode[] = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'SESSION_ENDED',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
];

/**
 * What every error class of every lib carries: its stable contract code, what goes into
 * `extensions` beside it, and (when its own message names internals) the message a client reads.
 * The edge maps errors by `code`, never by class.
 */
export interface CodedError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  readonly publicMessage?: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The error's contract code, when it is one of the project's coded errors. */
export function codedError(error: unknown): CodedError | null {
  return error instanceof Error && isErrorCode((error as Partial<CodedError>).code) ? (error as CodedError) : null;
}

export abstract class LedgerError extends Error implements CodedError {
  abstract readonly code: ErrorCode;
  /** Extra `extensions` entries for the client. */
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class BadUserInputError extends LedgerError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message, { fields });
  }

  static field(field: string, message: string): BadUserInputError {
    return new BadUserInputError(`${field}: ${message}`, [{ field, message }]);
  }
}

export class NotFoundError extends LedgerError {
  readonly code = 'NOT_FOUND' as const;
}

export class ConflictError extends LedgerError {
  readonly code = 'CONFLICT' as const;
  constructor(message: string, current?: unknown) {
    super(message, current === undefined ? {} : { current });
  }
}

export class SessionEndedError extends LedgerError {
  readonly code = 'SESSION_ENDED' as const;
  constructor(sessionId: string, status: string) {
    super(`session ${sessionId} has ended (${status}); nothing more can be appended`, { current: status });
  }
}

export class PayloadTooLargeError extends LedgerError {
  readonly code = 'PAYLOAD_TOO_LARGE' as const;
}

export class UnauthenticatedError extends LedgerError {
  readonly code = 'UNAUTHENTICATED' as const;
}

export class ForbiddenError extends LedgerError {
  readonly code = 'FORBIDDEN' as const;
}

export class RateLimitedError extends LedgerError {
  readonly code = 'RATE_LIMITED' as const;
  constructor(message: string, retryAfterMs: number) {
    super(message, { retryAfterMs });
  }
}

export class UnavailableError extends LedgerError {
  readonly code = 'UNAVAILABLE' as const;
}
