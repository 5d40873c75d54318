import type { Actor, Principal } from '../principal';
import type { Pricing } from '../usage';
import type { RunEventType } from './run-event-data';
import type { Environment, Json, JsonRecord, SessionSource, Subagent } from './session.events';
import type { SessionKind, SessionStatus } from './session.status';

/**
 * What a caller asks of a session. Every command carries the time and the ids it needs, so
 * `decide` stays pure: the handler supplies `at` from its clock and fresh ids from its
 * generator, or derives them from the client's own ids.
 */
interface CommandBase {
  sessionId: string;
  actor: Actor;
  /** The instant the command is handled (ISO-8601). */
  at: string;
}

export interface StartSession extends CommandBase {
  type: 'StartSession';
  eventId: string;
  kind: SessionKind;
  accountId?: string | null;
  title?: string | null;
  tags?: string[] | null;
  owner?: Principal | null;
  source?: SessionSource | null;
  idempotencyKey?: string | null;
  initiative?: string | null;
  flowId?: string | null;
  model?: string | null;
  parentSessionId?: string | null;
  subagent?: Subagent | null;
  environment?: Environment | null;
  totalSteps?: number | null;
  idleTimeoutSeconds?: number | null;
  status?: SessionStatus | null;
  metadata?: JsonRecord | null;
}

export interface UpdateSession extends CommandBase {
  type: 'UpdateSession';
  eventId: string;
  expectedSequence?: number | null;
  title?: string | null;
  tags?: string[] | null;
  status?: SessionStatus | null;
  metadata?: JsonRecord | null;
}

export interface StartRun extends CommandBase {
  type: 'StartRun';
  eventId: string;
  runId: string;
  model?: string | null;
  /** The agent that ran it (OTLP: gen_ai.agent.name). */
  agentName?: string | null;
  input?: Json | null;
}

export interface RunEventToRecord {
  /** The stored event id (a UUID). */
  id: string;
  /** The client's own id for this event, when it gave one. */
  clientId?: string;
  type: RunEventType;
  /** When it happened at the source (ISO-8601). */
  at: string;
  data: JsonRecord;
  /** For MODEL_USAGE: the cost fixed at ingest. */
  pricing?: Pricing;
}

export interface AppendRunEvents extends CommandBase {
  type: 'AppendRunEvents';
  runId?: string | null;
  expectedSequence?: number | null;
  events: RunEventToRecord[];
}

export interface FinishRun extends CommandBase {
  type: 'FinishRun';
  eventId: string;
  runId: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  output?: Json | null;
  error?: { code: string; message: string } | null;
}

export interface ResolveCheckpoint extends CommandBase {
  type: 'ResolveCheckpoint';
  eventId: string;
  runId: string;
  decision: 'APPROVE' | 'REJECT';
  comment?: string | null;
}

export interface EndSession extends CommandBase {
  type: 'EndSession';
  eventId: string;
  status?: SessionStatus | null;
  reason?: string | null;
}

/** Time-driven: a RUNTIME session idle past its timeout is ended by the system. */
export interface TimeOutSession extends CommandBase {
  type: 'TimeOutSession';
  eventId: string;
}

export type SessionCommand =
  | StartSession
  | UpdateSession
  | StartRun
  | AppendRunEvents
  | FinishRun
  | ResolveCheckpoint
  | EndSession
  | TimeOutSession;
