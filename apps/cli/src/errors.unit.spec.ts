import { ApiError, CommandFailed, describeError, ServerUnreachableError, UsageError } from './errors';

describe('what the user reads on an error', () => {
  it('GraphQL errors: the code and message, exit 1', () => {
    expect(describeError(new ApiError('CONFLICT', 'a rebuild of sessions is already running'))).toEqual({
      lines: ['error: CONFLICT: a rebuild of sessions is already running'],
      exitCode: 1,
    });
    expect(describeError(new ApiError('UNAUTHENTICATED', 'send a valid API key')).lines[1]).toMatch(/--key/);
  });

  it('bad usage exits 2', () => {
    expect(describeError(new UsageError('--group-by: unknown dimension TEAM'))).toEqual({ lines: ['error: --group-by: unknown dimension TEAM'], exitCode: 2 });
  });

  it('an unreachable server says where and how to start one', () => {
    const described = describeError(new ServerUnreachableError('http://localhost:4000/graphql', 'ECONNREFUSED'));
    expect(described.exitCode).toBe(1);
    expect(described.lines[0]).toBe('error: the server at http://localhost:4000/graphql is not reachable (ECONNREFUSED)');
    expect(described.lines[1]).toMatch(/npm start/);
  });

  it('a command failure keeps its exit code', () => {
    expect(describeError(new CommandFailed('verify found differences', 3)).exitCode).toBe(3);
    expect(describeError(new Error('boom'))).toEqual({ lines: ['error: boom'], exitCode: 1 });
  });
});
