import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { graphql } from '../gql';
import type { SessionSummaryFragment } from '../gql/graphql';
import { usePins, useResolveCheckpoint } from '../shared/actions';
import { formatInteger } from '../shared/format';
import { useDocumentTitle } from '../shared/hooks';
import { SessionRow } from '../shared/SessionRow';
import { useCan, useSignedIn } from '../app/session-context';

const CommandCenterQuery = graphql(`
  query CommandCenter($limit: Int!) {
    commandCenter(limit: $limit) {
      activeNow { ...SessionSummary }
      recent { ...SessionSummary }
      counts { active attention recent }
      generatedAt
    }
  }
`);

const CommandCenterCountsQuery = graphql(`
  query CommandCenterCounts {
    commandCenter(limit: 0) { counts { active attention recent } }
  }
`);

const CommandCenterChanges = graphql(`
  subscription CommandCenterChanges {
    commandCenter { section at session { ...SessionSummary } }
  }
`);

const LIMIT = 100;
const COUNTS_INTERVAL_MS = 1_000;

type Change = { section: 'ACTIVE_NOW' | 'RECENT' | 'GONE'; session: SessionSummaryFragment };

/** The server's order for both sections: most recent activity first. */
function place(list: SessionSummaryFragment[], session: SessionSummaryFragment): SessionSummaryFragment[] {
  const next = [...list, session].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
  return next.slice(0, LIMIT);
}

function applyChange(sections: Sections, change: Change): Sections {
  const id = change.session.id;
  const activeNow = sections.activeNow.filter((s) => s.id !== id);
  const recent = sections.recent.filter((s) => s.id !== id);
  if (change.section === 'ACTIVE_NOW') return { activeNow: place(activeNow, change.session), recent };
  if (change.section === 'RECENT') return { activeNow, recent: place(recent, change.session) };
  return { activeNow, recent };
}

interface Sections {
  activeNow: SessionSummaryFragment[];
  recent: SessionSummaryFragment[];
}

export function CommandCenterPage() {
  useDocumentTitle('Command Center');
  const { live } = useSignedIn();
  const can = useCan();
  const [initial] = useQuery({ query: CommandCenterQuery, variables: { limit: LIMIT }, requestPolicy: 'network-only' });
  const [countsResult, refetchCounts] = useQuery({ query: CommandCenterCountsQuery, pause: true, requestPolicy: 'network-only' });
  const [sections, setSections] = useState<Sections | null>(null);
  const early = useRef<Change[]>([]);
  const countsTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const countsReadAt = useRef(0);
  useEffect(() => () => void (countsTimer.current && clearTimeout(countsTimer.current)), []);
  const { pinned, toggle } = usePins();
  const { resolve, busy } = useResolveCheckpoint();
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    const data = initial.data?.commandCenter;
    if (!data) return;
    let next: Sections = { activeNow: data.activeNow, recent: data.recent };
    for (const change of early.current) next = applyChange(next, change);
    early.current = [];
    setSections(next);
  }, [initial.data]);

  useSubscription({ query: CommandCenterChanges }, (_previous: unknown, event) => {
    const change = event.commandCenter as Change;
    setSections((current) => {
      if (!current) {
        early.current.push(change);
        return current;
      }
      return applyChange(current, change);
    });
    // Counts are the server's: re-read them after a change, at most once a second, so a busy
    // organization does not turn every change into a count over all its sessions.
    if (!countsTimer.current) {
      const wait = Math.max(150, COUNTS_INTERVAL_MS - (Date.now() - countsReadAt.current));
      countsTimer.current = setTimeout(() => {
        countsTimer.current = null;
        countsReadAt.current = Date.now();
        refetchCounts({ requestPolicy: 'network-only' });
      }, wait);
    }
    return null;
  });

  const counts = countsResult.data?.commandCenter.counts ?? initial.data?.commandCenter.counts;
  const order = useMemo(
    () => (list: SessionSummaryFragment[]) => [...list.filter((s) => pinned.has(s.id)), ...list.filter((s) => !pinned.has(s.id))],
    [pinned],
  );

  const resolveAndReport = useCallback(
    async (id: string, decision: 'APPROVE' | 'REJECT') => {
      setActionError(await resolve(id, decision));
    },
    [resolve],
  );
  const onResolve = can.operate ? resolveAndReport : undefined;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Command Center</h1>
          <p>What your agents are doing right now, and what finished in the last 24 hours.</p>
        </div>
        <span className="live-dot" data-live={live ? 'true' : 'false'} role="status">
          {live ? 'Live' : 'Connecting…'}
        </span>
      </div>
      {initial.error && <div className="error-box">{initial.error.message}</div>}
      {actionError && <div className="error-box" role="alert">{actionError}</div>}
      <section className="stats" aria-label="Counts">
        <div className="card stat active">
          <div className="label">Active now</div>
          <div className="value" data-count="active">{counts ? formatInteger(counts.active) : '–'}</div>
        </div>
        <div className="card stat attention">
          <div className="label">Needs attention</div>
          <div className="value" data-count="attention">{counts ? formatInteger(counts.attention) : '–'}</div>
        </div>
        <div className="card stat">
          <div className="label">Recent (24 h)</div>
          <div className="value" data-count="recent">{counts ? formatInteger(counts.recent) : '–'}</div>
        </div>
      </section>
      <div className="grid-2">
        <Section
          id="active-now"
          title="Active now"
          sessions={sections ? order(sections.activeNow) : null}
          empty="Nothing is running right now."
          pinned={pinned}
          onTogglePin={toggle}
          onResolve={onResolve}
          busy={busy}
        />
        <Section
          id="recent"
          title="Recent"
          sessions={sections ? order(sections.recent) : null}
          empty="Nothing finished or went quiet in the last 24 hours."
          pinned={pinned}
          onTogglePin={toggle}
          onResolve={onResolve}
          busy={busy}
        />
      </div>
    </div>
  );
}

function Section(props: {
  id: string;
  title: string;
  sessions: SessionSummaryFragment[] | null;
  empty: string;
  pinned: ReadonlySet<string>;
  onTogglePin: (id: string) => void;
  onResolve?: (id: string, decision: 'APPROVE' | 'REJECT') => void;
  busy: string | null;
}) {
  const { sessions } = props;
  return (
    <section className="card" aria-labelledby={`${props.id}-title`} id={props.id}>
      <div className="card-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        <span className="muted">{sessions ? `${sessions.length} shown` : ''}</span>
      </div>
      {sessions === null ? (
        <div className="empty">Loading…</div>
      ) : sessions.length === 0 ? (
        <div className="empty">{props.empty}</div>
      ) : (
        <div className="rows">
          {sessions.map((session) => (
            <SessionRow
              key={session.id}
              session={session}
              pinned={props.pinned.has(session.id)}
              onTogglePin={props.onTogglePin}
              onResolve={props.onResolve}
              busy={props.busy === session.id}
            />
          ))}
        </div>
      )}
    </section>
  );
}
