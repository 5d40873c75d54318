import { useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useMutation, useQuery, useSubscription } from 'urql';
import { graphql } from '../gql';
import type { ChildSessionFragment, SessionDetailFragment } from '../gql/graphql';
import { usePins, useResolveCheckpoint } from '../shared/actions';
import { formatDateTime, formatDuration, formatInteger, formatUsd, principalLabel } from '../shared/format';
import { useDocumentTitle } from '../shared/hooks';
import { JsonBlock } from '../shared/Redacted';
import { RelativeTime } from '../shared/RelativeTime';
import { sessionName } from '../shared/SessionRow';
import { StatusBadge } from '../shared/StatusBadge';
import { TimelineEventView, type TimelineEventData } from '../shared/TimelineEventView';
import { useCan } from '../app/session-context';

graphql(`
  fragment ChildSession on Session {
    id title preview status statusGroup subagent { name task } progress { label }
  }
`);

graphql(`
  fragment SessionDetail on Session {
    ...SessionSummary
    accountId
    source { type id reference }
    initiative
    flowId
    model
    parentSessionId
    subagent { name task }
    environment { sandbox profile runtime repo branch surface }
    metadata
    sequence
    endedAt
    endReason
    endedBy { type id name }
    usage { requests inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens totalTokens costUsd unpricedRequests }
    children { ...ChildSession children { ...ChildSession } }
    runs(first: 20) {
      edges {
        node {
          id status model startedAt finishedAt eventCount
          error { code message }
          usage { costUsd totalTokens }
          toolCalls { id name status arguments outputPreview durationMs startedAt }
        }
      }
    }
  }
`);

const SessionQuery = graphql(`
  query SessionDetail($id: ID!) { session(id: $id) { ...SessionDetail } }
`);

const SessionChanges = graphql(`
  subscription SessionChanges($id: ID!) { sessionChanged(id: $id) { ...SessionDetail } }
`);

const TimelineQuery = graphql(`
  query Timeline($id: ID!, $after: Int!) {
    timeline(sessionId: $id, after: $after, first: 300) {
      events { sequence type runId at actor { type id name } data }
      lastSequence
      hasMore
    }
  }
`);

const TimelineFeed = graphql(`
  subscription TimelineFeed($id: ID!, $after: Int!) {
    timeline(sessionId: $id, after: $after) { sequence type runId at actor { type id name } data }
  }
`);

const AsOfQuery = graphql(`
  query SessionAsOf($id: ID!, $sequence: Int, $at: DateTime) {
    sessionAsOf(id: $id, sequence: $sequence, at: $at) {
      id status statusGroup sequence lastActivityAt title
      progress { label }
      usage { costUsd totalTokens }
      lastError { code message }
    }
  }
`);

const EndSessionMutation = graphql(`
  mutation EndSession($input: EndSessionInput!) { endSession(input: $input) { id status } }
`);

export function SessionPage({ id }: { id: string }) {
  const [result] = useQuery({ query: SessionQuery, variables: { id }, requestPolicy: 'network-only' });
  const [liveSession, setLiveSession] = useState<SessionDetailFragment | null>(null);
  useSubscription({ query: SessionChanges, variables: { id } }, (_p: unknown, event) => {
    setLiveSession(event.sessionChanged);
    return null;
  });
  const session = liveSession ?? result.data?.session ?? null;
  useDocumentTitle(session ? sessionName(session) : 'Session');

  if (result.fetching && !session) return <div className="page"><div className="empty">Loading…</div></div>;
  if (result.error) return <div className="page"><div className="error-box">{result.error.message}</div></div>;
  if (!session)
    return (
      <div className="page">
        <h1>Session not found</h1>
        <p className="muted">There is no session <code>{id}</code> in your organization.</p>
        <Link href="/sessions">Back to sessions</Link>
      </div>
    );
  return <SessionView session={session} />;
}

function SessionView({ session }: { session: SessionDetailFragment }) {
  const can = useCan();
  const [events, setEvents] = useState<TimelineEventData[]>([]);
  const [from, setFrom] = useState<number | null>(null);
  const [timeline] = useQuery({ query: TimelineQuery, variables: { id: session.id, after: -1 }, requestPolicy: 'network-only' });
  useEffect(() => {
    const page = timeline.data?.timeline;
    if (!page) return;
    setEvents((current) => merge(current, page.events));
    setFrom(page.lastSequence);
  }, [timeline.data]);
  // Live from the last sequence the page holds; a reconnect replays from there, duplicates are dropped.
  useSubscription({ query: TimelineFeed, variables: { id: session.id, after: from ?? -1 }, pause: from === null }, (_p: unknown, event) => {
    setEvents((current) => merge(current, [event.timeline]));
    return null;
  });

  const lastSequence = Math.max(session.sequence, events.length ? events[events.length - 1].sequence : 0);
  const [asOf, setAsOf] = useState<number | null>(null);
  const [atTime, setAtTime] = useState<string | null>(null);
  const [replay] = useQuery({
    query: AsOfQuery,
    variables: atTime ? { id: session.id, at: atTime } : { id: session.id, sequence: asOf ?? 0 },
    pause: asOf === null && atTime === null,
  });
  const replayed = asOf !== null || atTime !== null ? replay.data?.sessionAsOf ?? null : null;
  useEffect(() => {
    if (atTime && replayed) setAsOf(replayed.sequence);
  }, [atTime, replayed]);
  const shownAt = asOf ?? lastSequence;

  const header = replayed ?? session;
  const { pinned, toggle } = usePins();
  const { resolve, busy } = useResolveCheckpoint();
  const [, endSession] = useMutation(EndSessionMutation);
  const [actionError, setActionError] = useState<string | null>(null);
  const [endStatus, setEndStatus] = useState<'ENDED' | 'COMPLETED' | 'FAILED' | 'CANCELLED'>('ENDED');
  const terminal = ['SUCCESS', 'PROBLEM'].includes(session.statusGroup) && session.endedAt;
  const ordered = useMemo(() => [...events].reverse(), [events]);

  return (
    <div className="page">
      <div className="page-head">
        <div style={{ minWidth: 0 }}>
          <div className="muted" style={{ fontSize: 12.5, marginBottom: 4 }}>
            <Link href="/sessions">Sessions</Link> / <span className="kind">{session.kind.replace('_', ' ')}</span>
            {session.parentSessionId && (
              <> · subagent of <Link href={`/sessions/${session.parentSessionId}`}>{session.parentSessionId.slice(0, 18)}…</Link></>
            )}
          </div>
          <h1 style={{ display: 'flex', alignItems: 'center', gap: 10, flexWrap: 'wrap' }}>
            <span>{sessionName(header)}</span>
            <span data-header-status>
              <StatusBadge status={header.status} group={header.statusGroup} />
            </span>
          </h1>
          <p>
            <span data-header-progress>{header.progress.label}</span> · {principalLabel(session.owner)} · last activity <RelativeTime iso={header.lastActivityAt} />
          </p>
        </div>
        <div className="row-side">
          <button className="pin" aria-pressed={pinned.has(session.id) ? 'true' : 'false'} onClick={() => void toggle(session.id)} aria-label={pinned.has(session.id) ? 'Unpin session' : 'Pin session'}>
            {pinned.has(session.id) ? '★ Pinned' : '☆ Pin'}
          </button>
          {can.operate && session.status === 'PAUSED' && (
            <>
              <button className="approve" disabled={busy !== null} onClick={() => void resolve(session.id, 'APPROVE').then(setActionError)}>Approve checkpoint</button>
              <button className="reject" disabled={busy !== null} onClick={() => void resolve(session.id, 'REJECT').then(setActionError)}>Reject</button>
            </>
          )}
          {can.operate && !terminal && (
            <form
              style={{ display: 'flex', gap: 6 }}
              onSubmit={(e) => {
                e.preventDefault();
                void endSession({ input: { sessionId: session.id, status: endStatus, reason: 'ended from the console' } }).then((r) =>
                  setActionError(r.error ? r.error.graphQLErrors[0]?.message ?? r.error.message : null),
                );
              }}
            >
              <label className="sr-only" htmlFor="end-status">End as</label>
              <select id="end-status" value={endStatus} onChange={(e) => setEndStatus(e.target.value as typeof endStatus)}>
                <option value="ENDED">Ended</option>
                <option value="COMPLETED">Completed</option>
                <option value="FAILED">Failed</option>
                <option value="CANCELLED">Cancelled</option>
              </select>
              <button type="submit" className="danger">End session</button>
            </form>
          )}
        </div>
      </div>
      {actionError && <div className="error-box" role="alert">{actionError}</div>}
      {header.lastError && (
        <div className="error-box">
          <strong>{header.lastError.code}</strong>: {header.lastError.message}
        </div>
      )}

      <section className="card" aria-label="Replay">
        {(asOf !== null || atTime !== null) && (
          <div className="replay-banner" role="status">
            Replaying: the session as it stood after event #{shownAt}.{' '}
            <button className="small" onClick={() => { setAsOf(null); setAtTime(null); }}>Back to live</button>
          </div>
        )}
        <div className="scrubber">
          <label htmlFor="scrubber" style={{ flexDirection: 'row', alignItems: 'center', whiteSpace: 'nowrap' }}>Replay</label>
          <input
            id="scrubber"
            type="range"
            min={0}
            max={lastSequence}
            value={shownAt}
            aria-valuetext={`event ${shownAt} of ${lastSequence}`}
            onChange={(e) => {
              const value = Number(e.target.value);
              setAtTime(null);
              setAsOf(value >= lastSequence ? null : value);
            }}
          />
          <span className="mono" style={{ whiteSpace: 'nowrap' }}>#{shownAt} / {lastSequence}</span>
          <label htmlFor="replay-at" className="sr-only">Replay at time</label>
          <input
            id="replay-at"
            type="datetime-local"
            step={1}
            onChange={(e) => setAtTime(e.target.value ? new Date(e.target.value).toISOString() : null)}
          />
        </div>
      </section>

      <div className="detail-grid">
        <section className="card" aria-labelledby="timeline-title">
          <div className="card-head">
            <h2 id="timeline-title">Timeline</h2>
            <span className="muted">{formatInteger(events.length)} events, newest first</span>
          </div>
          {events.length === 0 ? (
            <div className="empty">{timeline.fetching ? 'Loading…' : 'No events yet.'}</div>
          ) : (
            <ol className="timeline" aria-live="polite" reversed>
              {ordered.map((event) => (
                <TimelineEventView key={event.sequence} event={event} future={event.sequence > shownAt} />
              ))}
            </ol>
          )}
        </section>
        <aside style={{ display: 'flex', flexDirection: 'column', gap: 16 }}>
          <Details session={session} usage={header.usage} />
          {session.children.length > 0 && (
            <section className="card card-pad" aria-labelledby="subagents-title">
              <h2 id="subagents-title">Subagents</h2>
              <SubagentTree sessions={session.children} />
            </section>
          )}
          <Runs session={session} />
        </aside>
      </div>
    </div>
  );
}

function merge(current: TimelineEventData[], incoming: readonly TimelineEventData[]): TimelineEventData[] {
  if (incoming.length === 0) return current;
  const last = current.length ? current[current.length - 1].sequence : -1;
  const fresh = incoming.filter((event) => event.sequence > last);
  if (fresh.length === incoming.length) return [...current, ...fresh];
  const bySequence = new Map(current.map((event) => [event.sequence, event]));
  for (const event of incoming) bySequence.set(event.sequence, event);
  return [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
}

function Details({ session, usage }: { session: SessionDetailFragment; usage: { costUsd: number; totalTokens: number } }) {
  const env = session.environment;
  return (
    <section className="card card-pad" aria-labelledby="details-title">
      <h2 id="details-title">Details</h2>
      <dl className="kv">
        <dt>Id</dt><dd className="mono">{session.id}</dd>
        <dt>Kind</dt><dd>{session.kind}</dd>
        <dt>Owner</dt><dd>{principalLabel(session.owner)} <span className="muted">({session.owner.type} {session.owner.id})</span></dd>
        {session.source && (<><dt>Source</dt><dd>{session.source.type}: {session.source.reference ?? session.source.id}</dd></>)}
        {session.model && (<><dt>Model</dt><dd className="mono">{session.model}</dd></>)}
        {session.initiative && (<><dt>Initiative</dt><dd>{session.initiative}</dd></>)}
        {session.flowId && (<><dt>Flow</dt><dd>{session.flowId}</dd></>)}
        {session.subagent && (<><dt>Subagent</dt><dd>{session.subagent.name}{session.subagent.task ? `: ${session.subagent.task}` : ''}</dd></>)}
        {env && (
          <>
            <dt>Environment</dt>
            <dd>{[env.surface, env.runtime, env.sandbox, env.profile, env.repo && `${env.repo}${env.branch ? `@${env.branch}` : ''}`].filter(Boolean).join(' · ') || '–'}</dd>
          </>
        )}
        <dt>Account</dt><dd>{session.accountId}</dd>
        <dt>Started</dt><dd>{formatDateTime(session.createdAt)}</dd>
        {session.endedAt && (<><dt>Ended</dt><dd>{formatDateTime(session.endedAt)}{session.endedBy ? ` by ${principalLabel(session.endedBy)}` : ''}{session.endReason ? `: ${session.endReason}` : ''}</dd></>)}
        <dt>Cost</dt><dd data-cost>{formatUsd(usage.costUsd)}{session.usage.unpricedRequests > 0 && <span className="muted"> ({session.usage.unpricedRequests} unpriced)</span>}</dd>
        <dt>Tokens</dt>
        <dd>
          {formatInteger(usage.totalTokens)}{' '}
          <span className="muted">
            ({formatInteger(session.usage.inputTokens)} in, {formatInteger(session.usage.outputTokens)} out, {formatInteger(session.usage.cacheReadTokens)} cache read; {formatInteger(session.usage.requests)} requests)
          </span>
        </dd>
        {session.tags.length > 0 && (<><dt>Tags</dt><dd className="chips">{session.tags.map((t) => <span className="tag" key={t}>{t}</span>)}</dd></>)}
      </dl>
      {session.metadata != null && (
        <>
          <h3 style={{ marginTop: 14 }}>Metadata</h3>
          <JsonBlock value={session.metadata} label="Metadata" />
        </>
      )}
    </section>
  );
}

type Child = ChildSessionFragment & { children?: Child[] };

function SubagentTree({ sessions }: { sessions: Child[] }) {
  return (
    <ul className="tree">
      {sessions.map((child) => (
        <li key={child.id}>
          <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
            <StatusBadge status={child.status} group={child.statusGroup} />
            <Link href={`/sessions/${child.id}`}>{child.subagent?.name ?? sessionName(child)}</Link>
            <span className="muted" style={{ fontSize: 12 }}>{child.progress.label}</span>
          </div>
          {child.subagent?.task && <div className="muted" style={{ fontSize: 12.5 }}>{child.subagent.task}</div>}
          {child.children && child.children.length > 0 && <SubagentTree sessions={child.children} />}
        </li>
      ))}
    </ul>
  );
}

function Runs({ session }: { session: SessionDetailFragment }) {
  const runs = session.runs.edges.map((edge) => edge.node);
  return (
    <section className="card card-pad" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs ({runs.length})</h2>
      {runs.length === 0 && <div className="muted">No run yet.</div>}
      {runs.map((run) => (
        <div key={run.id} style={{ padding: '8px 0', borderTop: '1px solid var(--border)' }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, flexWrap: 'wrap' }}>
            <code>{run.id.slice(0, 20)}</code>
            <span className={`badge group-${run.status === 'FAILED' || run.status === 'CANCELLED' ? 'PROBLEM' : run.status === 'WAITING' ? 'ATTENTION' : run.status === 'COMPLETED' ? 'SUCCESS' : 'ACTIVE'}`}>{run.status}</span>
          </div>
          <div className="muted" style={{ fontSize: 12.5 }}>
            {formatInteger(run.eventCount)} events{run.model ? ` · ${run.model}` : ''} · {formatUsd(run.usage.costUsd)}
            {run.finishedAt && ` · ${formatDuration(new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime())}`}
          </div>
          {run.error && <div className="row-error">{run.error.code}: {run.error.message}</div>}
          {run.toolCalls.map((call) => (
            <div className="tool-call" key={call.id}>
              <div style={{ minWidth: 0 }}>
                <code>{call.name}</code>
                {call.outputPreview && <div className="muted" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{call.outputPreview}</div>}
              </div>
              <div style={{ textAlign: 'right' }}>
                <span className={call.status === 'failed' ? 'group-PROBLEM' : call.status === 'running' ? 'group-ACTIVE' : 'group-SUCCESS'}>{call.status}</span>
                {call.durationMs != null && <div className="muted">{formatDuration(call.durationMs)}</div>}
              </div>
            </div>
          ))}
        </div>
      ))}
    </section>
  );
}
