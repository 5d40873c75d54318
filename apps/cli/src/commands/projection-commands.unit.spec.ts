import { LedgerClient } from '../api-client';
import { CommandFailed } from '../errors';
import { ProjectionStatus } from '../projection-progress';
import { Terminal } from '../terminal';
import { rebuildCommand } from './rebuild';
import { verifyCommand } from './verify';

function fakeTerminal(): Terminal & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    interactive: false,
    width: null,
    stdout: process.stdout,
    onInterrupt: () => () => undefined,
  };
}

/** Answers by operation: each entry is a list of answers used in turn (the last one repeats). */
function fakeClient(answers: Record<string, unknown[]>): LedgerClient {
  const calls: Record<string, number> = {};
  return {
    url: 'http://ledger.test/graphql',
    async request(query: string) {
      const operation = Object.keys(answers).find((name) => query.includes(name))!;
      const index = Math.min(calls[operation] ?? 0, answers[operation]!.length - 1);
      calls[operation] = (calls[operation] ?? 0) + 1;
      return answers[operation]![index];
    },
  } as unknown as LedgerClient;
}

const status = (over: Partial<ProjectionStatus>): ProjectionStatus => ({
  name: 'sessions',
  version: 1,
  state: 'LIVE',
  processedEvents: 10,
  lagEvents: 0,
  rebuildProgress: null,
  eventsPerSecond: 0,
  ...over,
});

describe('verify', () => {
  it('prints the differing ids and exits 3 when the read model differs from a rebuild', async () => {
    const terminal = fakeTerminal();
    const client = fakeClient({
      'projections {': [{ projections: [status({})] }],
      verifyProjection: [
        { verifyProjection: { name: 'sessions', matches: false, liveDigest: 'aa', rebuiltDigest: 'bb', documents: 12, differences: ['session_1', 'session_2'] } },
      ],
    });
    await expect(verifyCommand(client, 'sessions', false, terminal)).resolves.toBe(3);
    expect(terminal.lines).toEqual(expect.arrayContaining(['matches      NO', 'live         aa', 'rebuilt      bb', 'documents    12', 'differences  2', '  session_1', '  session_2']));
  });

  it('exits 0 when they match', async () => {
    const client = fakeClient({
      'projections {': [{ projections: [status({})] }],
      verifyProjection: [{ verifyProjection: { name: 'sessions', matches: true, liveDigest: 'aa', rebuiltDigest: 'aa', documents: 12, differences: [] } }],
    });
    await expect(verifyCommand(client, 'sessions', true, fakeTerminal())).resolves.toBe(0);
  });
});

describe('rebuild', () => {
  it('fails with exit 1 when the new version ends FAILED', async () => {
    const terminal = fakeTerminal();
    const client = fakeClient({
      'projections {': [{ projections: [status({})] }, { projections: [status({}), status({ version: 2, state: 'FAILED' })] }],
      rebuildProjection: [{ rebuildProjection: status({ version: 2, state: 'REBUILDING' }) }],
    });
    const running = rebuildCommand(client, 'sessions', terminal);
    await expect(running).rejects.toBeInstanceOf(CommandFailed);
    await expect(running).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('FAILED') });
  });

  it('prints progress lines and a summary once the new version is LIVE', async () => {
    const terminal = fakeTerminal();
    const client = fakeClient({
      'projections {': [
        { projections: [status({})] },
        { projections: [status({ state: 'REBUILDING', rebuildProgress: 0.5, processedEvents: 50, lagEvents: 50 })] },
        { projections: [status({ version: 2, processedEvents: 100 })] },
      ],
      rebuildProjection: [{ rebuildProjection: status({ state: 'REBUILDING' }) }],
    });
    await expect(rebuildCommand(client, 'sessions', terminal)).resolves.toBe(0);
    expect(terminal.lines[0]).toMatch(/^rebuild sessions {2}building v2 \(v1 serving\) {2}50\.0%/);
    expect(terminal.lines).toEqual(expect.arrayContaining(['rebuilt sessions: version 1 -> 2, now LIVE', '  events processed  100']));
  });
});
