import type { SessionView } from './session.decider';
import { isTerminal, statusGroup, StatusGroup } from './session.status';

/**
 * Read-time derivations. Time passes without events, so whether a session is active is decided
 * when it is read, from stored instants and the configured windows.
 */

export interface ActivityWindows {
  chatActiveSeconds: number;
  recentSeconds: number;
}

/** The windows when configuration says nothing: a CHAT is active 30 minutes after its last message; recent is 24 hours. */
export const DEFAULT_WINDOWS: ActivityWindows = Object.freeze({ chatActiveSeconds: 1800, recentSeconds: 86400 });

/** Stands for "active until something happens": flows and tasks stay active while their status says so. */
export const FOREVER = '9999-12-31T23:59:59.999Z';

/** An ISO instant moved by a number of seconds (negative: earlier). */
export function plusSeconds(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}

/**
 * The instant the session stops being active if nothing happens, or null when it is not active
 * by its status at all. Stored on the read model so Active is an index-friendly range query.
 */
export function activeUntil(view: SessionView, windows: ActivityWindows): string | null {
  switch (view.kind) {
    case 'FLOW_RUN':
      return view.status === 'RUNNING' || view.status === 'PAUSED' || view.status === 'PENDING' ? FOREVER : null;
    case 'BACKGROUND_TASK':
      return ['RUNNING', 'QUEUED', 'PROVISIONING', 'WAITING'].includes(view.status) ? FOREVER : null;
    case 'CHAT':
      if (isTerminal(view.status) || view.lastMessageAt === null) return null;
      return plusSeconds(view.lastMessageAt, windows.chatActiveSeconds);
    case 'RUNTIME':
      if (isTerminal(view.status)) return null;
      return plusSeconds(view.lastActivityAt, view.idleTimeoutSeconds ?? 0);
    default: {
      const _never: never = view.kind;
      return _never;
    }
  }
}

export function isActive(until: string | null, now: string): boolean {
  return until !== null && until > now;
}

/** Recent: not active, and the last activity within the recent window. */
export function isRecent(view: Pick<SessionView, 'lastActivityAt'>, active: boolean, now: string, windows: ActivityWindows): boolean {
  return !active && plusSeconds(view.lastActivityAt, windows.recentSeconds) > now;
}

export function sessionStatusGroup(view: SessionView, active: boolean): StatusGroup {
  return statusGroup(view.status, active);
}

export interface Progress {
  current: number;
  total: number | null;
  unit: 'steps' | 'turns' | 'messages' | 'commands';
  label: string;
}

function count(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

export function progressOf(view: SessionView): Progress {
  switch (view.kind) {
    case 'FLOW_RUN': {
      const total = view.stepTotal ?? view.totalSteps;
      const label = total === null ? `Step ${view.stepIndex}` : `Step ${view.stepIndex} of ${total}`;
      return { current: view.stepIndex, total, unit: 'steps', label };
    }
    case 'BACKGROUND_TASK':
      return { current: view.runCount, total: null, unit: 'turns', label: count(view.runCount, 'turn', 'turns') };
    case 'CHAT':
      return { current: view.messageCount, total: null, unit: 'messages', label: count(view.messageCount, 'message', 'messages') };
    case 'RUNTIME':
      return { current: view.commandCount, total: null, unit: 'commands', label: count(view.commandCount, 'command', 'commands') };
    default: {
      const _never: never = view.kind;
      return _never;
    }
  }
}
