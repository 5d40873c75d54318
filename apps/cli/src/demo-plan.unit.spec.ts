import { demoPlan, DemoSession, parseSeed, parseSessionCount } from './demo-plan';

import { CLIENT_ID } from '@ledger/domain';

function eventsOf(session: DemoSession) {
  return session.steps.flatMap((step) => (step.op === 'append' ? step.events : []));
}

describe('the demo plan', () => {
  const plan = demoPlan('demo', 40);

  it('is the same for the same seed, and a larger count only adds sessions', () => {
    expect(demoPlan('demo', 40)).toEqual(plan);
    expect(demoPlan('demo', 55).slice(0, 40)).toEqual(plan);
    expect(demoPlan('other', 40)[0]!.start.source.id).not.toBe(plan[0]!.start.source.id);
  });

  it('gives every session its own source and every event and run an id the API accepts, derived from the seed', () => {
    const sources = plan.map((session) => `${session.start.source.type}/${session.start.source.id}`);
    expect(new Set(sources).size).toBe(plan.length);
    const eventIds = plan.flatMap((session) => eventsOf(session).map((event) => event.id));
    expect(new Set(eventIds).size).toBe(eventIds.length);
    const runIds = plan.flatMap((session) => session.steps.flatMap((step) => (step.op === 'startRun' ? [step.runId] : [])));
    expect(new Set(runIds).size).toBe(runIds.length);
    for (const id of [...eventIds, ...runIds]) {
      expect(id).toMatch(CLIENT_ID);
      expect(id.startsWith('demo')).toBe(true);
    }
  });

  it('covers the four kinds, the four principal types, subagents, several models, flows and accounts', () => {
    expect(new Set(plan.map((s) => s.start.kind))).toEqual(new Set(['CHAT', 'FLOW_RUN', 'BACKGROUND_TASK', 'RUNTIME']));
    expect(new Set(plan.map((s) => s.start.owner.type))).toEqual(new Set(['USER', 'MANAGED_AGENT', 'SERVICE', 'FLOW']));
    const subagents = plan.filter((s) => s.parentKey !== null);
    expect(subagents.length).toBeGreaterThanOrEqual(4);
    for (const child of subagents) {
      expect(child.start.subagent?.name).toBeTruthy();
      expect(plan.findIndex((s) => s.key === child.parentKey)).toBeLessThan(plan.indexOf(child));
    }
    const usage = plan.flatMap(eventsOf).filter((event) => event.type === 'MODEL_USAGE');
    expect(new Set(usage.map((event) => event.data.model)).size).toBeGreaterThanOrEqual(4);
    expect(usage.some((event) => typeof event.data.costUsd === 'number')).toBe(true);
    expect(usage.some((event) => event.data.costUsd === undefined)).toBe(true);
    expect(new Set(plan.map((s) => s.start.flowId).filter(Boolean)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(plan.map((s) => s.start.accountId)).size).toBeGreaterThanOrEqual(2);
    expect(plan.every((s) => s.start.tags.includes('demo') && s.start.initiative && s.start.metadata.seed === 'demo')).toBe(true);
  });

  it('has checkpoints approved, exactly one rejected and one waiting; failures; active and ended sessions', () => {
    const decisions = plan.flatMap((s) => s.steps.flatMap((step) => (step.op === 'resolveCheckpoint' ? [step.decision] : [])));
    expect(decisions.filter((d) => d === 'REJECT')).toHaveLength(1);
    expect(decisions.filter((d) => d === 'APPROVE').length).toBeGreaterThanOrEqual(2);
    const outcomes = plan.map((s) => s.outcome);
    expect(outcomes.filter((o) => o === 'attention')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'active').length).toBeGreaterThanOrEqual(5);
    expect(outcomes).toEqual(expect.arrayContaining(['completed', 'failed', 'rejected', 'ended']));
    const failedRuns = plan.flatMap((s) => s.steps.filter((step) => step.op === 'finishRun' && step.status === 'FAILED'));
    expect(failedRuns.length).toBeGreaterThanOrEqual(2);
    expect(failedRuns.every((step) => step.op === 'finishRun' && step.error)).toBe(true);
    expect(plan.flatMap(eventsOf).some((event) => event.type === 'ERROR')).toBe(true);
  });

  it('gives chats messages, runtimes commands and file edits, background tasks several runs, flows steps', () => {
    for (const session of plan) {
      const types = new Set(eventsOf(session).map((event) => event.type));
      const runs = session.steps.filter((step) => step.op === 'startRun').length;
      if (session.start.kind === 'CHAT') expect(types.has('MESSAGE')).toBe(true);
      if (session.start.kind === 'RUNTIME') expect([types.has('COMMAND'), types.has('FILE_EDIT')]).toEqual([true, true]);
      if (session.start.kind === 'BACKGROUND_TASK' && session.parentKey === null) expect(runs).toBeGreaterThanOrEqual(3);
      if (session.start.kind === 'FLOW_RUN') expect([types.has('STEP'), types.has('CHECKPOINT')]).toEqual([true, true]);
    }
  });

  it('keeps a run event order the API accepts: no event after its run finished, no step after the session ended', () => {
    for (const session of plan) {
      const finished = new Set<string>();
      let ended = false;
      for (const step of session.steps) {
        expect(ended).toBe(false);
        if (step.op === 'append' && step.runId) expect(finished.has(step.runId)).toBe(false);
        if (step.op === 'finishRun') finished.add(step.runId);
        if (step.op === 'endSession' || (step.op === 'resolveCheckpoint' && step.decision === 'REJECT')) ended = true;
      }
    }
  });

  it('validates --seed and --sessions', () => {
    expect(parseSeed('team-a_1')).toBe('team-a_1');
    expect(() => parseSeed('has space')).toThrow(/--seed must be/);
    expect(parseSessionCount('12')).toBe(12);
    expect(() => parseSessionCount('0')).toThrow(/--sessions must be a whole number from 1 to 1000/);
    expect(() => parseSessionCount('2.5')).toThrow(/--sessions/);
  });
});
