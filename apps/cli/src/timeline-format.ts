import { isSessionId } from '@ledger/domain';
import { UsageError } from './errors';

export interface TimelineEventView {
  sessionId: string;
  sequence: number;
  position: string;
  id: string;
  type: string;
  runId: string | null;
  at: string;
  recordedAt: string;
  actor: { type: string; id: string; name?: string | null };
  data: unknown;
}

/** The TimelineEvent selection, shared by the query and the subscription so both print alike. */
export const TIMELINE_EVENT_FIELDS = 'sessionId sequence position id type runId at recordedAt actor { type id name } data';

export function parseSessionId(text: string): string {
  const id = text.trim();
  if (!isSessionId(id)) throw new UsageError(`${JSON.stringify(text)} is not a session id: "session_" followed by 32 lowercase hex characters`);
  return id;
}

export function parseAfter(text: string): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < -1) {
    throw new UsageError(`--after must be -1 (from the start) or the last sequence you have; got ${JSON.stringify(text)}`);
  }
  return value;
}

const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** "MESSAGE, tool_call" -> ["MESSAGE", "TOOL_CALL"]; lifecycle types (SessionStarted...) keep their case. */
export function parseTypes(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  const types = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => (/^[a-z_]+$/.test(part) ? part.toUpperCase() : part));
  if (types.length === 0) throw new UsageError('--types needs at least one event type, e.g. --types MESSAGE,TOOL_CALL');
  const bad = types.filter((type) => !TYPE_NAME.test(type));
  if (bad.length > 0) throw new UsageError(`--types: ${bad.join(', ')} is not an event type name`);
  return [...new Set(types)];
}

/** Cuts text to `width` characters (code points), ending in an ellipsis when it was cut. */
export function truncate(text: string, width: number): string {
  const characters = Array.from(text);
  if (characters.length <= width) return text;
  if (width <= 1) return characters.slice(0, Math.max(width, 0)).join('');
  return `${characters.slice(0, width - 1).join('')}…`;
}

/** JSON on one line; strings inside keep their escapes, so an event never spans two lines. */
export function compactData(data: unknown): string {
  if (data === null || data === undefined) return '';
  const text = JSON.stringify(data);
  return text === '{}' ? '' : text;
}

/**
 * One line per event: sequence, time, type, run, then the data as compact JSON, cut to the
 * terminal's width when there is one (`width` null: never cut).
 */
export function formatTimelineLine(event: TimelineEventView, width: number | null): string {
  const head = `${String(event.sequence).padStart(6)}  ${event.at}  ${event.type.padEnd(18)} ${(event.runId ?? '-').padEnd(12)}`;
  const data = compactData(event.data);
  const line = data ? `${head} ${data}` : head.trimEnd();
  return width === null ? line : truncate(line, Math.max(width, 40));
}

/** --json: the whole event as the API gave it, one JSON object per line. */
export function formatTimelineJson(event: TimelineEventView): string {
  return JSON.stringify(event);
}
