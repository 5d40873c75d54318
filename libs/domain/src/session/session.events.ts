import type { Principal } from '../principal';
import type { Pricing } from '../usage';
import type { RunEventType } from './run-event-data';
import type { EndStatus, RunFinishStatus, SessionKind, SessionStatus } from './session.status';

/**
 * Everything that can happen to a session, as past-tense facts. One stream per session
 * (`session-<id>`); lifecycle events are named in PascalCase and run events by their
 * RunEventType, so the timeline shows both as they were recorded.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonRecord = { [key: string]: Json };

export interface SessionSource {
  type: string;
  id: string;
  reference?: string | null;
}

export interface Subagent {
  name: string;
  task?: string | null;
}

export interface Environment {
  sandbox?: string | null;
  profile?: string | null;
  runtime?: string | null;
  repo?: string | null;
  branch?: string | null;
  surface?: 'WEB' | 'IDE' | 'CLI' | 'SCHEDULED' | 'API' | null;
}

export interface ErrorInfo {
  code: string;
  message: string;
  at: string;
}

export interface SessionStarted {
  sessionId: string;
  organizationId: string;
  kind: SessionKind;
  status: SessionStatus;
  accountId: string;
  title: string | null;
  tags: string[];
  owner: Principal;
  source: SessionSource | null;
  idempotencyKey: string | null;
  initiative: string | null;
  flowId: string | null;
  model: string | null;
  parentSessionId: string | null;
  subagent: Subagent | null;
  environment: Environment | null;
  totalSteps: number | null;
  idleTimeoutSeconds: number | null;
  metadata: JsonRecord | null;
}

/** Only the fields given changed; `metadata` replaces the whole object. */
export interface SessionUpdated {
  title?: string | null;
  tags?: string[];
  status?: SessionStatus;
  metadata?: JsonRecord | null;
}

export interface RunStarted {
  runId: string;
  model: string | null;
  input: Json | null;
  /** Absent in events stored before it existed. */
  agentName?: string | null;
}

export interface RunFinished {
  runId: string;
  status: RunFinishStatus;
  output: Json | null;
  error: { code: string; message: string } | null;
}

export interface CheckpointResolved {
  runId: string;
  decision: 'APPROVE' | 'REJECT';
  comment: string | null;
  resolvedBy: Principal;
}

export interface SessionEnded {
  status: EndStatus | 'TIMED_OUT';
  reason: string | null;
  endedBy: Principal;
}

/** A run event as stored: the client's data (after redaction), its run, and for MODEL_USAGE the price fixed at ingest. */
export interface RunEventRecorded {
  runId: string | null;
  data: JsonRecord;
  pricing?: Pricing;
}

type Lifecycle =
  | { type: 'SessionStarted'; data: SessionStarted }
  | { type: 'SessionUpdated'; data: SessionUpdated }
  | { type: 'RunStarted'; data: RunStarted }
  | { type: 'RunFinished'; data: RunFinished }
  | { type: 'CheckpointResolved'; data: CheckpointResolved }
  | { type: 'SessionEnded'; data: SessionEnded };

export type SessionEventBody = Lifecycle | { type: RunEventType; data: RunEventRecorded };

export const LIFECYCLE_EVENT_TYPES = [
  'SessionStarted',
  'SessionUpdated',
  'RunStarted',
  'RunFinished',
  'CheckpointResolved',
  'SessionEnded',
] as const;

/**
 * A session event with its identity and the instant it happened at the source. `clientId` is
 * the id the client gave (RunEventInput.id), kept so the timeline can show it back.
 */
export type SessionEvent = SessionEventBody & {
  id: string;
  at: string;
  clientId?: string;
};

/** Current schema version of session events; older ones are upcast on read. */
export const SESSION_EVENT_SCHEMA_VERSION = 3;
