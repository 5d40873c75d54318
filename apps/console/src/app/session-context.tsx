import { createContext, useContext } from 'react';

export interface Caller {
  organizationId: string;
  principal: { type: string; id: string; name?: string | null };
  roles: string[];
}

export interface SignedIn {
  caller: Caller;
  live: boolean;
  signOut: () => void;
}

export const SignedInContext = createContext<SignedIn | null>(null);

export function useSignedIn(): SignedIn {
  const value = useContext(SignedInContext);
  if (!value) throw new Error('useSignedIn outside the signed-in shell');
  return value;
}

/** Roles are the server's; the console only hides controls the server would refuse anyway. */
export function useCan(): { operate: boolean; administer: boolean } {
  const { roles } = useSignedIn().caller;
  return {
    operate: roles.includes('OPERATOR') || roles.includes('ADMIN'),
    administer: roles.includes('ADMIN'),
  };
}
