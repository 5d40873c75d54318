/** Exit codes of every command, as listed in `agent-ledger --help`. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  verifyMismatch: 3,
} as const;

/** The command line itself is wrong: a bad option value, a missing key. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The server answered with a GraphQL error; `code` is its extensions.code. Exit 1. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Nothing answered at the URL (connection refused, DNS, timeout). Exit 1. */
export class ServerUnreachableError extends Error {
  override readonly name = 'ServerUnreachableError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`the server at ${url} is not reachable (${reason})`);
  }
}

/** Something answered at the URL, but not a GraphQL response. Exit 1. */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
}

/** A command that ran and found a problem it has already reported (for example FAILED). */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

const START_HINT =
  'start one with `npm start` in the agent-ledger checkout (the embedded default serves http://localhost:4000/graphql), ' +
  'or point --url / LEDGER_URL at a running server';

/** What the user reads on stderr for an error, and the exit code that goes with it. */
export function describeError(error: unknown): { lines: string[]; exitCode: number } {
  if (error instanceof UsageError) return { lines: [`error: ${error.message}`], exitCode: EXIT.usage };
  if (error instanceof ApiError) {
    const lines = [`error: ${error.code}: ${error.message}`];
    if (error.code === 'UNAUTHENTICATED') lines.push('hint: check --key / LEDGER_API_KEY (the embedded default writes its dev key to ./data/dev-api-key.json)');
    if (error.code === 'FORBIDDEN') lines.push('hint: this command needs a key with a stronger role (ADMIN for rebuild, verify and seed-demo)');
    return { lines, exitCode: EXIT.failed };
  }
  if (error instanceof ServerUnreachableError) return { lines: [`error: ${error.message}`, `hint: ${START_HINT}`], exitCode: EXIT.failed };
  if (error instanceof UnexpectedResponseError) return { lines: [`error: ${error.message}`], exitCode: EXIT.failed };
  if (error instanceof CommandFailed) return { lines: [`error: ${error.message}`], exitCode: error.exitCode };
  const message = error instanceof Error ? error.message : String(error);
  return { lines: [`error: ${message}`], exitCode: EXIT.failed };
}
