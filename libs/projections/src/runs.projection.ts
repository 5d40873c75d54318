import { decodeSessionEvent, SessionEvent, TokenUsage, usageOfRecorded, ZERO_USAGE, PREVIEW_LENGTH } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import type { Document } from '@ledger/read-store';
import { jsonPrefix } from './json-prefix';
import { CollectionSpec, FoldedDocument, incrementInto, Projection, ProjectionContext, readFolded, touch, usageIncrement, writeFolded } from './projection';

export const RUNS = 'runs';
export const TOOL_CALLS = 'tool_calls';

export interface RunDocument extends Document {
  runId: string;
  sessionId: string;
  organizationId: string;
  status: string;
  model: string | null;
  agentName?: string | null;
  input: unknown;
  output: unknown;
  error: { code: string; message: string; at: string } | null;
  usage: TokenUsage;
  eventCount: number;
  startedAt: string;
  finishedAt: string | null;
  lastRevision: number;
}

export interface ToolCallDocument extends Document {
  toolCallId: string;
  runId: string;
  sessionId: string;
  organizationId: string;
  name: string;
  status: string;
  arguments: unknown;
  outputPreview: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  lastRevision: number;
}

export function runDocumentId(sessionId: string, runId: string): string {
  return `${sessionId}/${runId}`;
}

export function toolCallDocumentId(sessionId: string, runId: string, toolCallId: string): string {
  return `${runDocumentId(sessionId, runId)}/${toolCallId}`;
}

/** The output itself when it is text, else its JSON, cut to PREVIEW_LENGTH characters. */
function preview(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.length <= PREVIEW_LENGTH ? value : value.slice(0, PREVIEW_LENGTH);
  return jsonPrefix(value, PREVIEW_LENGTH) ?? null;
}


/**
 * Runs and their tool calls. Run ids are the client's and may repeat across sessions, so
 * documents are keyed by session and run. Tool calls pair TOOL_CALL with TOOL_RESULT on
 * `toolCallId`, in whichever order they arrive.
 */
export class RunsProjection implements Projection {
  readonly name = RUNS;
  readonly version = 1;
  readonly collections: CollectionSpec[] = [
    { name: RUNS, indexes: [{ keys: { organizationId: 1, sessionId: 1, startedAt: 1, _id: 1 }, name: 'org_session_started' }, { keys: { organizationId: 1, runId: 1 }, name: 'org_run' }] },
    { name: TOOL_CALLS, indexes: [{ keys: { organizationId: 1, sessionId: 1, runId: 1, startedAt: 1 }, name: 'org_session_run' }] },
  ];

  handles(event: RecordedEvent): boolean {
    return event.streamId.startsWith('session-') && event.type !== 'SessionStarted' && event.type !== 'SessionUpdated' && event.type !== 'SessionEnded';
  }

  async apply(event: RecordedEvent, context: ProjectionContext): Promise<void> {
    const e = decodeSessionEvent(event);
    const sessionId = event.streamId.slice('session-'.length);
    const organizationId = event.metadata.organizationId;
    const runs = context.collection<RunDocument>(RUNS);
    const revision = event.revision;
    const guard = (runId: string) => ({ _id: runDocumentId(sessionId, runId), lastRevision: { $lt: revision } });
    const touched = (runId: string) => context.changed(RUNS, organizationId, runDocumentId(sessionId, runId));

    switch (e.type) {
      case 'RunStarted': {
        await runs.updateOne(
          guard(e.data.runId),
          {
            $set: { lastRevision: revision },
            $setOnInsert: {
              runId: e.data.runId,
              sessionId,
              organizationId,
              status: 'RUNNING',
              model: e.data.model,
              agentName: e.data.agentName ?? null,
              input: e.data.input,
              output: null,
              error: null,
              usage: { ...ZERO_USAGE },
              eventCount: 0,
              startedAt: e.at,
              finishedAt: null,
            },
          },
          { upsert: true },
        );
        touched(e.data.runId);
        return;
      }
      case 'RunFinished': {
        const error = e.data.error ? { ...e.data.error, at: e.at } : null;
        const result = await runs.updateOne(guard(e.data.runId), {
          $set: { lastRevision: revision, status: e.data.status, output: e.data.output, error, finishedAt: e.at },
        });
        if (result.matchedCount > 0) touched(e.data.runId);
        return;
      }
      case 'CheckpointResolved': {
        const approved = e.data.decision === 'APPROVE';
        const set: Record<string, unknown> = { lastRevision: revision, status: approved ? 'RUNNING' : 'FAILED' };
        if (!approved) {
          set.error = { code: 'CHECKPOINT_REJECTED', message: e.data.comment ?? 'checkpoint rejected', at: e.at };
          set.finishedAt = e.at;
        }
        const result = await runs.updateOne(guard(e.data.runId), { $set: set });
        if (result.matchedCount > 0) touched(e.data.runId);
        return;
      }
      case 'SessionStarted':
      case 'SessionUpdated':
      case 'SessionEnded':
        return;
      default:
        break;
    }

    const runId = e.data.runId;
    if (runId === null) return;
    const set: Record<string, unknown> = { lastRevision: revision };
    const update: Record<string, unknown> = { $set: set, $inc: { eventCount: 1 } };
    if (e.type === 'CHECKPOINT') set.status = 'WAITING';
    if (e.type === 'MODEL_USAGE') {
      update.$inc = { eventCount: 1, ...usageIncrement(usageOfRecorded(e.data)) };
    }
    const result = await runs.updateOne(guard(runId), update);
    if (result.matchedCount === 0) return;
    touched(runId);

    if (e.type === 'TOOL_CALL' || e.type === 'TOOL_RESULT') await this.applyToolCall({ type: e.type, data: e.data.data, at: e.at, sessionId, runId, organizationId, revision }, context);
  }

  /**
   * The batch folded: the runs and tool calls it touches are read in one query each, every event
   * is applied in memory exactly as `apply` would (same guards, same order, the TOOL_RESULT that
   * came before its TOOL_CALL), and each changed document is written once.
   */
  async applyBatch(events: RecordedEvent[], context: ProjectionContext): Promise<void> {
    // Each document id is built once per event and kept: a built id is a concatenation, which
    // every Set and Map lookup of it would otherwise flatten anew.
    const decoded: { event: RecordedEvent; e: SessionEvent; runId: string | null; id: string }[] = [];
    const runIds = new Set<string>();
    const toolCallIds = new Set<string>();
    for (const event of events) {
      const e = decodeSessionEvent(event);
      if (e.type === 'SessionStarted' || e.type === 'SessionUpdated' || e.type === 'SessionEnded') continue;
      const sessionId = event.streamId.slice('session-'.length);
      const runId = e.data.runId;
      const id = runId === null ? '' : runDocumentId(sessionId, runId);
      decoded.push({ event, e, runId, id });
      if (runId === null) continue;
      runIds.add(id);
      if (e.type === 'TOOL_CALL' || e.type === 'TOOL_RESULT') toolCallIds.add(toolCallDocumentId(sessionId, runId, String(e.data.data.toolCallId)));
    }
    if (decoded.length === 0) return;
    const runs = context.collection<RunDocument>(RUNS);
    const toolCalls = context.collection<ToolCallDocument>(TOOL_CALLS);
    const runDocs = await readFolded(runs, runIds);
    const toolCallDocs = await readFolded(toolCalls, toolCallIds);
    const changed = new Map<string, string>();
    const changedCalls = new Map<string, string>();

    for (const { event, e, runId, id } of decoded) {
      if (runId === null) continue;
      const sessionId = event.streamId.slice('session-'.length);
      const organizationId = event.metadata.organizationId;
      const revision = event.revision;
      const run = runDocs.get(id);
      const matched = run !== undefined && run.doc.lastRevision < revision;
      if (e.type === 'RunStarted') {
        if (run === undefined) {
          const doc: RunDocument = {
            _id: id,
            agentName: e.data.agentName ?? null,
            error: null,
            eventCount: 0,
            finishedAt: null,
            input: e.data.input,
            lastRevision: revision,
            model: e.data.model,
            organizationId,
            output: null,
            runId: e.data.runId,
            sessionId,
            startedAt: e.at,
            status: 'RUNNING',
            usage: { ...ZERO_USAGE },
          };
          runDocs.set(id, { doc, fields: null });
        } else if (matched) {
          run.doc.lastRevision = revision;
          touch(run, 'lastRevision');
        }
        changed.set(id, organizationId);
        continue;
      }
      if (!matched || run === undefined) continue;
      const doc = run.doc;
      if (e.type === 'RunFinished') {
        doc.lastRevision = revision;
        doc.status = e.data.status;
        doc.output = e.data.output;
        doc.error = e.data.error ? { ...e.data.error, at: e.at } : null;
        doc.finishedAt = e.at;
        touch(run, 'lastRevision', 'status', 'output', 'error', 'finishedAt');
        changed.set(id, organizationId);
        continue;
      }
      if (e.type === 'CheckpointResolved') {
        const approved = e.data.decision === 'APPROVE';
        doc.lastRevision = revision;
        doc.status = approved ? 'RUNNING' : 'FAILED';
        touch(run, 'lastRevision', 'status');
        if (!approved) {
          doc.error = { code: 'CHECKPOINT_REJECTED', message: e.data.comment ?? 'checkpoint rejected', at: e.at };
          doc.finishedAt = e.at;
          touch(run, 'error', 'finishedAt');
        }
        changed.set(id, organizationId);
        continue;
      }
      doc.lastRevision = revision;
      doc.eventCount += 1;
      touch(run, 'lastRevision', 'eventCount');
      if (e.type === 'CHECKPOINT') {
        doc.status = 'WAITING';
        touch(run, 'status');
      }
      if (e.type === 'MODEL_USAGE') {
        incrementInto(doc.usage as unknown as Record<string, unknown>, usageOfRecorded(e.data) as unknown as Record<string, unknown>);
        touch(run, 'usage');
      }
      changed.set(id, organizationId);
      if (e.type === 'TOOL_CALL' || e.type === 'TOOL_RESULT') {
        const callId = foldToolCall(toolCallDocs, { type: e.type, data: e.data.data, at: e.at, sessionId, runId, organizationId, revision });
        changedCalls.set(callId, organizationId);
      }
    }

    await writeFolded(runs, runDocs.values(), (doc) => ({ lastRevision: { $lt: doc.lastRevision } }));
    await writeFolded(toolCalls, toolCallDocs.values(), (doc) => ({ lastRevision: { $lt: doc.lastRevision } }));
    for (const [id, organizationId] of changed) context.changed(RUNS, organizationId, id);
    for (const [id, organizationId] of changedCalls) context.changed(TOOL_CALLS, organizationId, id);
  }

  private async applyToolCall(event: ToolCallEvent, context: ProjectionContext): Promise<void> {
    const { type, data, at, sessionId, runId, organizationId, revision } = event;
    const toolCalls = context.collection<ToolCallDocument>(TOOL_CALLS);
    const toolCallId = String(data.toolCallId);
    const _id = toolCallDocumentId(sessionId, runId, toolCallId);
    const insertDefaults = { toolCallId, runId, sessionId, organizationId };
    if (type === 'TOOL_CALL') {
      const set: Record<string, unknown> = { lastRevision: revision, name: String(data.name), arguments: data.arguments ?? null, startedAt: at };
      const onInsert: Record<string, unknown> = { ...insertDefaults, status: 'running', outputPreview: null, finishedAt: null };
      // The result came first without a reported duration: now both ends are known. (A path may
      // not be in both $set and $setOnInsert, so durationMs goes in exactly one of them.)
      const current = await toolCalls.findOne({ _id });
      if (current?.finishedAt && current.durationMs === null) set.durationMs = Math.max(0, Date.parse(current.finishedAt) - Date.parse(at));
      else onInsert.durationMs = null;
      await toolCalls.updateOne({ _id, lastRevision: { $lt: revision } }, { $set: set, $setOnInsert: onInsert }, { upsert: true });
    } else {
      const current = await toolCalls.findOne({ _id });
      const reported = typeof data.durationMs === 'number' ? data.durationMs : null;
      const measured = current ? Math.max(0, Date.parse(at) - Date.parse(current.startedAt)) : null;
      await toolCalls.updateOne(
        { _id, lastRevision: { $lt: revision } },
        {
          $set: {
            lastRevision: revision,
            status: data.status === 'failed' ? 'failed' : 'succeeded',
            outputPreview: preview(data.output),
            finishedAt: at,
            durationMs: reported ?? measured,
          },
          $setOnInsert: { ...insertDefaults, name: toolCallId, arguments: null, startedAt: at },
        },
        { upsert: true },
      );
    }
    context.changed(TOOL_CALLS, organizationId, _id);
  }
}

/** A TOOL_CALL or TOOL_RESULT, with where it belongs: what both the per-event and the folded paths apply. */
interface ToolCallEvent {
  type: 'TOOL_CALL' | 'TOOL_RESULT';
  data: Record<string, unknown>;
  at: string;
  sessionId: string;
  runId: string;
  organizationId: string;
  revision: number;
}

/** `applyToolCall` on a folded document: the same fields, guards and durations. Returns its id. */
function foldToolCall(docs: Map<string, FoldedDocument<ToolCallDocument>>, event: ToolCallEvent): string {
  const { type, data, at, sessionId, runId, organizationId, revision } = event;
  const toolCallId = String(data.toolCallId);
  const _id = toolCallDocumentId(sessionId, runId, toolCallId);
  const current = docs.get(_id);
  if (type === 'TOOL_CALL') {
    const name = String(data.name);
    const args = data.arguments ?? null;
    if (current === undefined) {
      const doc: ToolCallDocument = {
        _id,
        arguments: args,
        durationMs: null,
        finishedAt: null,
        lastRevision: revision,
        name,
        organizationId,
        outputPreview: null,
        runId,
        sessionId,
        startedAt: at,
        status: 'running',
        toolCallId,
      };
      docs.set(_id, { doc, fields: null });
    } else if (current.doc.lastRevision < revision) {
      const doc = current.doc;
      // The result came first without a reported duration: now both ends are known.
      if (doc.finishedAt && doc.durationMs === null) {
        doc.durationMs = Math.max(0, Date.parse(doc.finishedAt) - Date.parse(at));
        touch(current, 'durationMs');
      }
      doc.lastRevision = revision;
      doc.name = name;
      doc.arguments = args;
      doc.startedAt = at;
      touch(current, 'lastRevision', 'name', 'arguments', 'startedAt');
    }
    return _id;
  }
  const reported = typeof data.durationMs === 'number' ? data.durationMs : null;
  const status = data.status === 'failed' ? 'failed' : 'succeeded';
  const outputPreview = preview(data.output);
  if (current === undefined) {
    const doc: ToolCallDocument = {
      _id,
      arguments: null,
      durationMs: reported,
      finishedAt: at,
      lastRevision: revision,
      name: toolCallId,
      organizationId,
      outputPreview,
      runId,
      sessionId,
      startedAt: at,
      status,
      toolCallId,
    };
    docs.set(_id, { doc, fields: null });
  } else if (current.doc.lastRevision < revision) {
    const doc = current.doc;
    const measured = Math.max(0, Date.parse(at) - Date.parse(doc.startedAt));
    doc.lastRevision = revision;
    doc.status = status;
    doc.outputPreview = outputPreview;
    doc.finishedAt = at;
    doc.durationMs = reported ?? measured;
    touch(current, 'lastRevision', 'status', 'outputPreview', 'finishedAt', 'durationMs');
  }
  return _id;
}
