export const SESSION_KINDS = ['CHAT', 'FLOW_RUN', 'BACKGROUND_TASK', 'RUNTIME'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const NON_TERMINAL_STATUSES = ['PENDING', 'QUEUED', 'PROVISIONING', 'RUNNING', 'WAITING', 'PAUSED', 'BLOCKED', 'OPEN'] as const;
export const TERMINAL_STATUSES = ['COMPLETED', 'FAILED', 'REJECTED', 'CANCELLED', 'ENDED', 'TIMED_OUT'] as const;
export const SESSION_STATUSES = [...NON_TERMINAL_STATUSES, ...TERMINAL_STATUSES] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** The statuses an owner or operator may end a session with; REJECTED and TIMED_OUT come from the system. */
export const END_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'ENDED'] as const;
export type EndStatus = (typeof END_STATUSES)[number];

export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_FINISH_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type RunFinishStatus = (typeof RUN_FINISH_STATUSES)[number];

export type StatusGroup = 'ACTIVE' | 'ATTENTION' | 'SUCCESS' | 'PROBLEM' | 'IDLE';

export function isTerminal(status: SessionStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export function isRunFinished(status: RunStatus): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
}

/** The whole status machine: from a non-terminal status, anything; from a terminal one, nothing. */
export function canTransition(from: SessionStatus, _to: SessionStatus): boolean {
  return !isTerminal(from);
}

export function defaultStatusFor(kind: SessionKind): SessionStatus {
  switch (kind) {
    case 'FLOW_RUN':
      return 'PENDING';
    case 'BACKGROUND_TASK':
      return 'QUEUED';
    case 'CHAT':
    case 'RUNTIME':
      return 'OPEN';
    default: {
      const _never: never = kind;
      return _never;
    }
  }
}

/** How a row reads at a glance; `active` is the read-time Active rule. */
export function statusGroup(status: SessionStatus, active: boolean): StatusGroup {
  switch (status) {
    case 'PENDING':
    case 'QUEUED':
    case 'PROVISIONING':
    case 'RUNNING':
      return 'ACTIVE';
    case 'OPEN':
      return active ? 'ACTIVE' : 'IDLE';
    case 'WAITING':
    case 'PAUSED':
    case 'BLOCKED':
      return 'ATTENTION';
    case 'COMPLETED':
    case 'ENDED':
    case 'CANCELLED':
      return 'SUCCESS';
    case 'FAILED':
    case 'REJECTED':
    case 'TIMED_OUT':
      return 'PROBLEM';
    default: {
      const _never: never = status;
      return _never;
    }
  }
}

/**
 * The statuses of a group: those in it whatever Active says, and those in it only while active or
 * only while not (OPEN). What a status filter needs, derived from `statusGroup` itself.
 */
export function statusesOfGroup(group: StatusGroup): { always: SessionStatus[]; whileActive: SessionStatus[]; whileIdle: SessionStatus[] } {
  const inGroup = (active: boolean) => SESSION_STATUSES.filter((status) => statusGroup(status, active) === group);
  const active = inGroup(true);
  const idle = inGroup(false);
  return {
    always: active.filter((status) => idle.includes(status)),
    whileActive: active.filter((status) => !idle.includes(status)),
    whileIdle: idle.filter((status) => !active.includes(status)),
  };
}
