import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLError } from 'graphql';
import {
  BadUserInputError,
  ConflictError,
  ERROR_CODES,
  ErrorCode,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  SessionEndedError,
  UnauthenticatedError,
  UnavailableError,
} from '@ledger/domain';
import { ConcurrentChangeError, EventStoreUnavailableError, InvalidAppendError, WrongExpectedRevisionError } from '@ledger/event-store';
import { LeaseLostError, ProjectionBusyError, ProjectorRefusal, UnknownProjectionError } from '@ledger/projections';
import { DuplicateKeyError, ReadStoreError, ReadStoreUnavailableError } from '@ledger/read-store';
import { UnsupportedValue } from '../../../../../libs/read-store/src/memory/fast-group';
import { RedactionError } from '@ledger/redaction';
import { ConfigError } from '@ledger/runtime';
import { OtlpDecodeError } from '../../otlp-ingest/otlp-codec';
import { projectRoot } from './schema';
import { formatError } from './error-format';

/** Every error class of the libs and the api, an instance of it, and the contract code it must leave with. */
const ERRORS: Record<string, { error: Error; code: ErrorCode }> = {
  BadUserInputError: { error: BadUserInputError.field('input.kind', 'must be one of CHAT, FLOW_RUN'), code: 'BAD_USER_INPUT' },
  NotFoundError: { error: new NotFoundError('session x not found'), code: 'NOT_FOUND' },
  ConflictError: { error: new ConflictError('expected sequence 3, the session is at 4', 4), code: 'CONFLICT' },
  SessionEndedError: { error: new SessionEndedError('session_x', 'COMPLETED'), code: 'SESSION_ENDED' },
  PayloadTooLargeError: { error: new PayloadTooLargeError('a batch holds at most 500 events'), code: 'PAYLOAD_TOO_LARGE' },
  UnauthenticatedError: { error: new UnauthenticatedError('send a key'), code: 'UNAUTHENTICATED' },
  ForbiddenError: { error: new ForbiddenError('this needs ADMIN'), code: 'FORBIDDEN' },
  RateLimitedError: { error: new RateLimitedError('slow down', 1000), code: 'RATE_LIMITED' },
  UnavailableError: { error: new UnavailableError('not readable yet'), code: 'UNAVAILABLE' },
  WrongExpectedRevisionError: { error: new WrongExpectedRevisionError('session-x', 3, 4), code: 'CONFLICT' },
  EventStoreUnavailableError: { error: new EventStoreUnavailableError('database is locked'), code: 'UNAVAILABLE' },
  InvalidAppendError: { error: new InvalidAppendError('an append needs at least one event'), code: 'BAD_USER_INPUT' },
  ConcurrentChangeError: { error: new ConcurrentChangeError('pins-x', 5), code: 'CONFLICT' },
  ReadStoreError: { error: new ReadStoreError('unknown operator $foo', 2), code: 'INTERNAL' },
  ReadStoreUnavailableError: { error: new ReadStoreUnavailableError('server selection timed out'), code: 'UNAVAILABLE' },
  DuplicateKeyError: { error: new DuplicateKeyError('sessions_v1', 'email_1'), code: 'INTERNAL' },
  UnsupportedValue: { error: new UnsupportedValue(), code: 'INTERNAL' },
  ProjectionBusyError: { error: new ProjectionBusyError('a rebuild of sessions is already under way'), code: 'CONFLICT' },
  UnknownProjectionError: { error: new UnknownProjectionError('no projection named "x"'), code: 'BAD_USER_INPUT' },
  LeaseLostError: { error: new LeaseLostError(), code: 'UNAVAILABLE' },
  ProjectorRefusal: { error: new ProjectorRefusal('CONFLICT', 'a rebuild of runs is already under way'), code: 'CONFLICT' },
  RedactionError: { error: new RedactionError('value input contains a reference cycle'), code: 'BAD_USER_INPUT' },
  ConfigError: { error: new ConfigError('PORT must be a number'), code: 'INTERNAL' },
  OtlpDecodeError: { error: new OtlpDecodeError('the body is not an OTLP protobuf ExportTraceServiceRequest'), code: 'BAD_USER_INPUT' },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** `class X extends SomethingError`, wherever a lib, the api or the projector declares one (the CLI is a client, with errors of its own). */
function declaredErrorClasses(): string[] {
  const root = projectRoot();
  const files = [...sourceFiles(join(root, 'libs')), ...sourceFiles(join(root, 'apps', 'api')), ...sourceFiles(join(root, 'apps', 'projector'))];
  const names = new Set<string>();
  for (const file of files) {
    // Abstract bases (LedgerError) are never thrown themselves; each concrete class is listed.
    for (const match of readFileSync(file, 'utf8').matchAll(/(abstract\s+)?\bclass\s+(\w+)\s+extends\s+(\w*Error)\b/g)) {
      if (!match[1]) names.add(match[2]!);
    }
  }
  return [...names].sort();
}

function leaves(error: Error) {
  const wrapped = new GraphQLError(error.message, { originalError: error, path: ['mutation'] });
  return formatError({ message: wrapped.message, path: ['mutation'] }, wrapped);
}

describe('errors leave with the contract code their class carries', () => {
  it('lists every error class the libs and the api declare', () => {
    expect(declaredErrorClasses()).toEqual(Object.keys(ERRORS).sort());
  });

  it.each(Object.entries(ERRORS))('%s carries a contract code and leaves with it', (_name, { error, code }) => {
    expect(ERROR_CODES).toContain((error as Error & { code: unknown }).code);
    expect(leaves(error).extensions?.code).toBe(code);
  });

  it('maps by code, not by class: an unknown class with a contract code leaves with that code', () => {
    class SomeAdapterError extends Error {
      readonly code = 'UNAVAILABLE' as const;
    }
    expect(leaves(new SomeAdapterError('socket closed')).extensions?.code).toBe('UNAVAILABLE');
  });

  it('answers with the public message where a lib error names internals, and never with a stack', () => {
    const out = leaves(new WrongExpectedRevisionError('session-session_abc', 3, 4));
    expect(out.message).toBe('the session changed concurrently; reload and retry');
    expect(JSON.stringify(out)).not.toContain('session_abc');
    expect(leaves(new Error('boom at /srv/app.js:1')).message).toBe('internal error; it has been logged');
  });

  it('keeps field details of input errors', () => {
    expect(leaves(new UnknownProjectionError('no projection named "x"')).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'name', message: 'no projection named "x"' }],
    });
    expect(leaves(new InvalidAppendError('an append needs at least one event')).extensions).toEqual({ code: 'BAD_USER_INPUT', fields: [] });
  });
});
