import {
  Actor,
  deterministicUuid,
  encodeEvent,
  PinEvent,
  pinsDecider,
  pinsStreamId,
  PinState,
  SessionCommand,
  sessionDecider,
  SessionEvent,
  SessionState,
  sessionStreamId,
  SetPinned,
} from '@ledger/domain';
import { DeciderCommandHandler, type EventStore } from '@ledger/event-store';

/**
 * Writes sessions through the generic command handler and the domain's own deciders, straight to
 * an event store: what the command side would store, for projection tests that need realistic
 * streams fast.
 */
export class ScenarioWriter {
  private readonly sessions: DeciderCommandHandler<SessionCommand, SessionEvent, SessionState>;
  private readonly pins: DeciderCommandHandler<SetPinned, PinEvent, PinState>;
  private counter = 0;

  constructor(store: EventStore) {
    this.sessions = new DeciderCommandHandler(store, sessionDecider);
    this.pins = new DeciderCommandHandler(store, pinsDecider);
  }

  private nextId(label: string): string {
    this.counter += 1;
    return deterministicUuid('scenario', label, String(this.counter));
  }

  /** Decides and appends one command; returns the number of events written. */
  async run(command: SessionCommand): Promise<number> {
    const outcome = await this.sessions.handle(sessionStreamId(command.sessionId), command, (event) =>
      encodeEvent(event, { actor: command.actor, correlationId: event.id, causationId: event.id }),
    );
    return outcome.events.length;
  }

  async pin(actor: Actor, sessionId: string, pinned: boolean, at: string): Promise<void> {
    const command: SetPinned = { type: 'SetPinned', actor, sessionId, pinned, at, eventId: this.nextId('pin') };
    await this.pins.handle(pinsStreamId(actor.organizationId, actor.principal.type, actor.principal.id), command, (event) =>
      encodeEvent(event, { actor, correlationId: event.id, causationId: event.id }),
    );
  }

  id(label: string): string {
    return this.nextId(label);
  }
}

export const ORG_A_INGEST: Actor = { organizationId: 'org-a', principal: { type: 'MANAGED_AGENT', id: 'agent-1', name: 'Agent One' }, roles: ['INGEST'] };
export const ORG_A_OPERATOR: Actor = { organizationId: 'org-a', principal: { type: 'USER', id: 'olga' }, roles: ['OPERATOR'] };
export const ORG_B_INGEST: Actor = { organizationId: 'org-b', principal: { type: 'SERVICE', id: 'svc-b' }, roles: ['INGEST'] };

function at(base: number, minutes: number): string {
  return new Date(base + minutes * 60_000).toISOString();
}

/**
 * A small but complete history: every session kind, subagents, runs with every run event type,
 * a checkpoint approved and one rejected, failures, usage across models and flows, pins, and a
 * second organization.
 */
export async function writeMixedScenario(writer: ScenarioWriter, baseTime = Date.parse('2026-11-01T10:00:00.000Z')): Promise<string[]> {
  const sessions: string[] = [];
  const sid = (n: number) => `session_${deterministicUuid('mixed', String(n)).replace(/-/g, '')}`;
  for (let n = 0; n < 8; n += 1) {
    const sessionId = sid(n);
    sessions.push(sessionId);
    const actor = n === 7 ? ORG_B_INGEST : ORG_A_INGEST;
    const kind = (['CHAT', 'FLOW_RUN', 'BACKGROUND_TASK', 'RUNTIME'] as const)[n % 4]!;
    await writer.run({
      type: 'StartSession',
      sessionId,
      actor,
      at: at(baseTime, n),
      eventId: writer.id('start'),
      kind,
      title: `Session ${n}`,
      flowId: kind === 'FLOW_RUN' ? 'flow-deploy' : null,
      totalSteps: kind === 'FLOW_RUN' ? 3 : null,
      tags: n % 2 ? ['odd'] : ['even'],
      parentSessionId: n === 5 ? sid(1) : null,
      subagent: n === 5 ? { name: 'helper', task: 'look things up' } : null,
      metadata: { team: n % 3 === 0 ? 'core' : 'edge' },
    });
    const runId = `run-${n}`;
    await writer.run({ type: 'StartRun', sessionId, actor, at: at(baseTime, n + 1), eventId: writer.id('run'), runId, model: n % 2 ? 'gpt-x' : 'claude-y' });
    await writer.run({
      type: 'AppendRunEvents',
      sessionId,
      actor,
      at: at(baseTime, n + 2),
      runId,
      events: [
        { id: writer.id('e'), type: 'MESSAGE', at: at(baseTime, n + 2), data: { role: 'user', text: `question ${n}` } },
        { id: writer.id('e'), type: 'TOOL_CALL', at: at(baseTime, n + 2), data: { toolCallId: `tc-${n}`, name: 'search', arguments: { q: n } } },
        { id: writer.id('e'), type: 'TOOL_RESULT', at: at(baseTime, n + 3), data: { toolCallId: `tc-${n}`, status: n === 3 ? 'failed' : 'succeeded', output: { hits: n } } },
        { id: writer.id('e'), type: 'COMMAND', at: at(baseTime, n + 3), data: { command: 'ls', exitCode: 0 } },
        { id: writer.id('e'), type: 'STEP', at: at(baseTime, n + 3), data: { index: 1, name: 'first' } },
        {
          id: writer.id('e'),
          type: 'MODEL_USAGE',
          at: at(baseTime, n * 70 + 4),
          data: { model: n % 2 ? 'gpt-x' : 'claude-y', inputTokens: 100 * (n + 1), outputTokens: 10 * (n + 1), cacheReadTokens: n, ...(n % 3 === 0 ? {} : { costUsd: 0.01 * n }) },
          pricing: n % 3 === 0 ? { costUsd: 0, source: 'UNPRICED' } : { costUsd: 0.01 * n, source: 'REPORTED' },
        },
        { id: writer.id('e'), type: 'MESSAGE', at: at(baseTime, n * 70 + 5), data: { role: 'assistant', text: `answer ${n}` } },
      ],
    });
    if (kind === 'FLOW_RUN') {
      await writer.run({ type: 'AppendRunEvents', sessionId, actor, at: at(baseTime, n + 6), runId, events: [{ id: writer.id('e'), type: 'CHECKPOINT', at: at(baseTime, n * 70 + 6), data: { name: 'approve' } }] });
      await writer.run({
        type: 'ResolveCheckpoint',
        sessionId,
        actor: { ...ORG_A_OPERATOR, organizationId: actor.organizationId },
        at: at(baseTime, n * 70 + 7),
        eventId: writer.id('resolve'),
        runId,
        decision: n === 1 ? 'APPROVE' : 'REJECT',
        comment: 'decided',
      });
    }
    if (n === 2) {
      await writer.run({ type: 'FinishRun', sessionId, actor, at: at(baseTime, n * 70 + 8), eventId: writer.id('finish'), runId, status: 'FAILED', error: { code: 'E', message: 'boom' } });
      await writer.run({ type: 'EndSession', sessionId, actor, at: at(baseTime, n * 70 + 9), eventId: writer.id('end'), status: 'FAILED', reason: 'gave up' });
    }
    if (n === 6) {
      await writer.run({ type: 'AppendRunEvents', sessionId, actor, at: at(baseTime, n * 70 + 8), runId: null, events: [{ id: writer.id('e'), type: 'STATUS', at: at(baseTime, n * 70 + 8), data: { status: 'BLOCKED' } }] });
    }
  }
  await writer.pin(ORG_A_OPERATOR, sessions[1]!, true, at(baseTime, 600));
  await writer.pin(ORG_A_OPERATOR, sessions[2]!, true, at(baseTime, 601));
  await writer.pin(ORG_A_OPERATOR, sessions[2]!, false, at(baseTime, 602));
  return sessions;
}
