import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useClient } from 'urql';
import { useLocation, useSearch } from 'wouter';
import { graphql } from '../gql';
import type { SessionSummaryFragment } from '../gql/graphql';
import { usePins, useResolveCheckpoint } from '../shared/actions';
import { formatInteger } from '../shared/format';
import { useDocumentTitle } from '../shared/hooks';
import { SessionRow } from '../shared/SessionRow';
import { useCan } from '../app/session-context';
import { GROUPS, KINDS, readFilters, toApiFilter, writeFilters, type FilterState } from './filters';

const SessionsQuery = graphql(`
  query Sessions($filter: SessionFilter, $first: Int!, $after: String) {
    sessions(filter: $filter, first: $first, after: $after) {
      edges { cursor node { ...SessionSummary } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
`);

const PAGE = 50;

interface Listing {
  rows: SessionSummaryFragment[];
  total: number;
  endCursor: string | null;
  hasNext: boolean;
}

export function SessionsPage() {
  useDocumentTitle('Sessions');
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = readFilters(search);
  const { filter, problem } = toApiFilter(filters);
  const filterKey = JSON.stringify(filter);
  const client = useClient();
  const can = useCan();
  const { pinned, toggle } = usePins();
  const { resolve, busy } = useResolveCheckpoint();
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);
  const generation = useRef(0);

  const load = useCallback(
    async (after: string | null, reset: boolean) => {
      if (loading.current && !reset) return;
      loading.current = true;
      const mine = reset ? ++generation.current : generation.current;
      const result = await client
        .query(SessionsQuery, { filter: JSON.parse(filterKey), first: PAGE, after }, { requestPolicy: 'network-only' })
        .toPromise();
      if (mine !== generation.current) return;
      loading.current = false;
      if (result.error) {
        setError(result.error.graphQLErrors[0]?.message ?? result.error.message);
        return;
      }
      setError(null);
      const page = result.data!.sessions;
      setListing((current) => ({
        rows: [...(reset || !current ? [] : current.rows), ...page.edges.map((edge) => edge.node)],
        total: page.totalCount,
        endCursor: page.pageInfo.endCursor ?? null,
        hasNext: page.pageInfo.hasNextPage,
      }));
    },
    [client, filterKey],
  );

  useEffect(() => {
    if (problem) return;
    setListing(null);
    void load(null, true);
  }, [load, problem]);

  const rows = listing?.rows ?? [];
  const listRef = useRef<HTMLDivElement>(null);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => 66,
    overscan: 8,
    scrollMargin: listRef.current?.offsetTop ?? 0,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (listing?.hasNext && lastIndex >= rows.length - 10) void load(listing.endCursor, false);
  }, [lastIndex, listing, rows.length, load]);

  const update = (next: Partial<FilterState>) => navigate(`/sessions${writeFilters({ ...filters, ...next })}`, { replace: true });

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Sessions</h1>
          <p>Every session of the organization: active first, then the most recent.</p>
        </div>
        <div className="muted" aria-live="polite" data-total={listing?.total ?? ''}>
          {listing ? `${formatInteger(listing.total)} session${listing.total === 1 ? '' : 's'}` : 'Loading…'}
        </div>
      </div>
      <Filters filters={filters} onChange={update} />
      {problem && <div className="error-box" role="alert">{problem}</div>}
      {error && <div className="error-box" role="alert">{error}</div>}
      <section className="card" aria-label="Sessions list">
        {listing && rows.length === 0 ? (
          <div className="empty">No session matches these filters.</div>
        ) : (
          <div ref={listRef} style={{ height: virtualizer.getTotalSize(), position: 'relative' }} className="rows" role="list">
            {items.map((item) => (
              <div
                key={rows[item.index].id}
                role="listitem"
                data-index={item.index}
                ref={virtualizer.measureElement}
                style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
              >
                <SessionRow
                  session={rows[item.index]}
                  pinned={pinned.has(rows[item.index].id)}
                  onTogglePin={toggle}
                  onResolve={can.operate ? (id, decision) => void resolve(id, decision).then(setError).then(() => load(null, true)) : undefined}
                  busy={busy === rows[item.index].id}
                />
              </div>
            ))}
          </div>
        )}
      </section>
    </div>
  );
}

function Filters({ filters, onChange }: { filters: FilterState; onChange: (next: Partial<FilterState>) => void }) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [JSON.stringify(filters)]); // eslint-disable-line react-hooks/exhaustive-deps
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(draft);
  };
  const toggleIn = <T extends string>(values: T[], value: T) => (values.includes(value) ? values.filter((v) => v !== value) : [...values, value]);
  return (
    <form className="card card-pad" onSubmit={submit} aria-label="Filters" style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <div className="field-row">
        <label style={{ flex: '2 1 220px' }}>
          Search
          <input type="search" name="q" value={draft.search} placeholder="Title, first message or source reference" onChange={(e) => setDraft({ ...draft, search: e.target.value })} />
        </label>
        <label style={{ flex: '1 1 140px' }}>
          Tags (all of)
          <input name="tags" value={draft.tags} placeholder="release, urgent" onChange={(e) => setDraft({ ...draft, tags: e.target.value })} />
        </label>
        <label style={{ flex: '1 1 140px' }}>
          Owner id
          <input name="owner" value={draft.owner} placeholder="agent-7" onChange={(e) => setDraft({ ...draft, owner: e.target.value })} />
        </label>
        <label style={{ flex: '1 1 120px' }}>
          Initiative
          <input name="initiative" value={draft.initiative} onChange={(e) => setDraft({ ...draft, initiative: e.target.value })} />
        </label>
        <label style={{ flex: '1 1 120px' }}>
          Flow
          <input name="flow" value={draft.flow} onChange={(e) => setDraft({ ...draft, flow: e.target.value })} />
        </label>
        <label style={{ flex: '1 1 160px' }}>
          Metadata (JSON)
          <input name="metadata" value={draft.metadata} placeholder='{"team":"payments"}' onChange={(e) => setDraft({ ...draft, metadata: e.target.value })} />
        </label>
        <button type="submit" className="primary">Apply</button>
      </div>
      <div className="field-row" style={{ gap: 18 }}>
        <div className="chips" role="group" aria-label="Status group">
          {GROUPS.map((group) => (
            <button
              type="button"
              key={group}
              className={`chip group-${group}`}
              aria-pressed={filters.groups.includes(group) ? 'true' : 'false'}
              onClick={() => onChange({ ...draft, groups: toggleIn(filters.groups, group) })}
            >
              {group.toLowerCase()}
            </button>
          ))}
        </div>
        <div className="chips" role="group" aria-label="Kind">
          {KINDS.map((kind) => (
            <button type="button" key={kind} className="chip" aria-pressed={filters.kinds.includes(kind) ? 'true' : 'false'} onClick={() => onChange({ ...draft, kinds: toggleIn(filters.kinds, kind) })}>
              {kind.replace('_', ' ').toLowerCase()}
            </button>
          ))}
        </div>
        <button type="button" className="chip" aria-pressed={filters.pinned ? 'true' : 'false'} onClick={() => onChange({ ...draft, pinned: !filters.pinned })}>
          ★ pinned
        </button>
      </div>
    </form>
  );
}
