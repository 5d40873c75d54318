import { useCallback, useMemo, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { PinnedSessionsQuery, ResolveCheckpointMutation, SetPinnedMutation, WaitingRunsQuery } from './session-summary';

/** The caller's pins (pins are per principal, kept by the server). */
export function usePins(): { pinned: ReadonlySet<string>; toggle: (sessionId: string) => Promise<void> } {
  const [result, refetch] = useQuery({ query: PinnedSessionsQuery, requestPolicy: 'network-only' });
  const [, setPinned] = useMutation(SetPinnedMutation);
  const [optimistic, setOptimistic] = useState<Map<string, boolean>>(new Map());
  const pinned = useMemo(() => {
    const ids = new Set(result.data?.sessions.edges.map((edge) => edge.node.id) ?? []);
    for (const [id, value] of optimistic) value ? ids.add(id) : ids.delete(id);
    return ids;
  }, [result.data, optimistic]);
  const toggle = useCallback(
    async (sessionId: string) => {
      const next = !pinned.has(sessionId);
      setOptimistic((map) => new Map(map).set(sessionId, next));
      await setPinned({ input: { sessionId, pinned: next } });
      refetch({ requestPolicy: 'network-only' });
    },
    [pinned, setPinned, refetch],
  );
  return { pinned, toggle };
}

/** Approve or reject the checkpoint a session waits at: the waiting run is looked up when asked. */
export function useResolveCheckpoint(): {
  resolve: (sessionId: string, decision: 'APPROVE' | 'REJECT') => Promise<string | null>;
  busy: string | null;
} {
  const client = useClient();
  const [, resolveCheckpoint] = useMutation(ResolveCheckpointMutation);
  const [busy, setBusy] = useState<string | null>(null);
  const resolve = useCallback(
    async (sessionId: string, decision: 'APPROVE' | 'REJECT') => {
      setBusy(sessionId);
      try {
        const runs = await client.query(WaitingRunsQuery, { id: sessionId }, { requestPolicy: 'network-only' }).toPromise();
        const waiting = runs.data?.session?.runs.edges.find((edge) => edge.node.status === 'WAITING');
        if (!waiting) return 'no run of this session is waiting at a checkpoint';
        const result = await resolveCheckpoint({ input: { sessionId, runId: waiting.node.id, decision } });
        return result.error ? result.error.graphQLErrors[0]?.message ?? result.error.message : null;
      } finally {
        setBusy(null);
      }
    },
    [client, resolveCheckpoint],
  );
  return { resolve, busy };
}
