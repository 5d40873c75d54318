import { formatDuration, formatProgressLine, formatRebuildSummary, phaseLabel, ProjectionStatus, rebuildPhase } from './projection-progress';

const status = (over: Partial<ProjectionStatus>): ProjectionStatus => ({
  name: 'sessions',
  version: 1,
  state: 'LIVE',
  processedEvents: 1000,
  lagEvents: 0,
  rebuildProgress: null,
  eventsPerSecond: 0,
  ...over,
});

describe('watching a rebuild', () => {
  it('is running while the new version builds beside the live one', () => {
    const phase = rebuildPhase('sessions', 1, [
      status({}),
      status({ version: 2, state: 'REBUILDING', processedEvents: 250, lagEvents: 750, rebuildProgress: 0.25, eventsPerSecond: 5000 }),
      status({ name: 'runs', version: 3 }),
    ]);
    expect(phase).toMatchObject({ kind: 'running', progress: 0.25, status: { version: 2, state: 'REBUILDING' } });
  });

  it('is running while the only entry is the old version rebuilding in place', () => {
    expect(rebuildPhase('sessions', 1, [status({ state: 'REBUILDING', rebuildProgress: 0.5 })])).toMatchObject({ kind: 'running', progress: 0.5 });
  });

  it('estimates progress from processed and lag when rebuildProgress is not given', () => {
    expect(rebuildPhase('sessions', 1, [status({ version: 2, state: 'CATCHING_UP', processedEvents: 30, lagEvents: 10 })])).toMatchObject({ kind: 'running', progress: 0.75 });
  });

  it('is done when a newer version is LIVE and nothing of that name still rebuilds', () => {
    expect(rebuildPhase('sessions', 1, [status({ version: 2 })])).toMatchObject({ kind: 'done', status: { version: 2 } });
    expect(rebuildPhase('sessions', 1, [status({ version: 2 }), status({ version: 3, state: 'REBUILDING' })]).kind).toBe('running');
    expect(rebuildPhase('sessions', 1, [status({ version: 1 })]).kind).toBe('running');
  });

  it('has failed when the new version is FAILED', () => {
    expect(rebuildPhase('sessions', 1, [status({}), status({ version: 2, state: 'FAILED' })])).toMatchObject({ kind: 'failed', status: { version: 2 } });
    expect(rebuildPhase('sessions', 1, [status({ state: 'FAILED' })]).kind).toBe('failed');
  });

  it('clamps progress to 0..1', () => {
    expect(rebuildPhase('sessions', 1, [status({ version: 2, state: 'REBUILDING', rebuildProgress: 1.7 })])).toMatchObject({ progress: 1 });
  });
});

describe('rebuild output', () => {
  it('summarises events, duration and the average rate', () => {
    expect(formatRebuildSummary({ name: 'sessions', fromVersion: 1, toVersion: 2, events: 120_000, durationMs: 4000 })).toEqual([
      'rebuilt sessions: version 1 -> 2, now LIVE',
      '  events processed  120,000',
      '  duration          4.0 s',
      '  average           30,000 events/s',
    ]);
  });

  it('formats durations', () => {
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
  });

  it('prints a plain progress line for a stdout that is not a terminal', () => {
    const phase = rebuildPhase('sessions', 1, [status({ version: 2, state: 'REBUILDING', rebuildProgress: 0.5, processedEvents: 5000, eventsPerSecond: 2500, lagEvents: 5000 })]);
    expect(formatProgressLine('sessions', 1, phase, 2000)).toBe('rebuild sessions  v2 REBUILDING  50.0%  5,000 events  2,500 events/s  lag 5,000  2.0 s');
  });

  it('names the version being built, also when only the live one is listed until the swap', () => {
    const inPlace = rebuildPhase('sessions', 2, [status({ version: 2, state: 'REBUILDING', rebuildProgress: 0.1 })]);
    expect(phaseLabel(2, inPlace)).toBe('building v3 (v2 serving)');
    expect(phaseLabel(2, rebuildPhase('sessions', 2, [status({ version: 2 })]))).toBe('starting');
    expect(phaseLabel(2, rebuildPhase('sessions', 2, [status({ version: 3 })]))).toBe('v3 LIVE');
  });
});
