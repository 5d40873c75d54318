export const PRINCIPAL_TYPES = ['USER', 'MANAGED_AGENT', 'SERVICE', 'FLOW'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

export interface Principal {
  type: PrincipalType;
  id: string;
  name?: string | null;
}

export const ROLES = ['VIEWER', 'INGEST', 'OPERATOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting, for which organization, with which roles. */
export interface Actor {
  organizationId: string;
  principal: Principal;
  roles: readonly Role[];
}

/** The principal the system acts as, e.g. when an idle RUNTIME session times out. */
export const SYSTEM_PRINCIPAL: Principal = Object.freeze({ type: 'SERVICE', id: 'agent-ledger', name: 'Agent Ledger' });

export function samePrincipal(a: Principal, b: Principal): boolean {
  return a.type === b.type && a.id === b.id;
}
