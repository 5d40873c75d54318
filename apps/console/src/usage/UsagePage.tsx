import { useMemo, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { UsageDimension, UsageRowsQuery } from '../gql/graphql';
import { formatInteger, formatUsd, principalLabel } from '../shared/format';
import { useDocumentTitle } from '../shared/hooks';
import { useTheme } from '../app/theme';
import { UsageChart, type UsagePoint } from './UsageChart';

const UsageRowsQueryDoc = graphql(`
  query UsageRows($filter: UsageFilter!, $groupBy: [UsageDimension!]!) {
    usage(filter: $filter, groupBy: $groupBy) {
      accountId flowId model sessionId bucketStart
      principal { type id name }
      usage { requests inputTokens outputTokens cacheReadTokens totalTokens costUsd unpricedRequests }
    }
  }
`);

const DIMENSIONS: UsageDimension[] = ['MODEL', 'ACCOUNT', 'FLOW', 'PRINCIPAL', 'SESSION', 'DAY', 'HOUR'];
const RANGES = [
  { id: '24h', label: 'Last 24 hours', hours: 24 },
  { id: '7d', label: 'Last 7 days', hours: 24 * 7 },
  { id: '30d', label: 'Last 30 days', hours: 24 * 30 },
  { id: '90d', label: 'Last 90 days', hours: 24 * 90 },
];

type Row = UsageRowsQuery['usage'][number];

function rowKey(row: Row, dimension: UsageDimension): string {
  switch (dimension) {
    case 'ACCOUNT': return row.accountId ?? '(none)';
    case 'FLOW': return row.flowId ?? '(no flow)';
    case 'MODEL': return row.model ?? '(no model)';
    case 'PRINCIPAL': return row.principal ? `${principalLabel(row.principal)} (${row.principal.type})` : '(none)';
    case 'SESSION': return row.sessionId ?? '(none)';
    case 'DAY': return row.bucketStart ? row.bucketStart.slice(0, 10) : '';
    case 'HOUR': return row.bucketStart ? `${row.bucketStart.slice(0, 13).replace('T', ' ')}:00` : '';
    default: {
      const never: never = dimension;
      return never;
    }
  }
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function UsagePage() {
  useDocumentTitle('Usage');
  const search = useSearch();
  const [, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const range = RANGES.find((r) => r.id === params.get('range')) ?? RANGES[0];
  const dimension = (DIMENSIONS as string[]).includes(params.get('by') ?? '') ? (params.get('by') as UsageDimension) : 'MODEL';
  const [now] = useState(() => Date.now());
  const filter = useMemo(() => {
    const hour = 3_600_000;
    const to = Math.ceil(now / hour) * hour;
    return { from: new Date(to - range.hours * hour).toISOString(), to: new Date(to).toISOString() };
  }, [now, range.hours]);
  const bucket: UsageDimension = range.hours <= 48 ? 'HOUR' : 'DAY';
  const [series] = useQuery({ query: UsageRowsQueryDoc, variables: { filter, groupBy: [bucket] } });
  const [table] = useQuery({ query: UsageRowsQueryDoc, variables: { filter, groupBy: [dimension] } });
  const { theme } = useTheme();

  // Every bucket of the range is drawn, the empty ones as zero, so the time axis is the range asked for.
  const points: UsagePoint[] = useMemo(() => {
    const step = bucket === 'HOUR' ? 3_600_000 : 86_400_000;
    const byStart = new Map<number, UsagePoint>();
    for (const row of series.data?.usage ?? []) {
      if (!row.bucketStart) continue;
      const at = new Date(row.bucketStart).getTime();
      byStart.set(at, { at: at / 1000, costUsd: row.usage.costUsd, totalTokens: row.usage.totalTokens });
    }
    const first = Math.floor(new Date(filter.from).getTime() / step) * step;
    const all: UsagePoint[] = [];
    for (let at = first; at < new Date(filter.to).getTime(); at += step) all.push(byStart.get(at) ?? { at: at / 1000, costUsd: 0, totalTokens: 0 });
    for (const [at, point] of byStart) if (at < first) all.unshift(point);
    return all;
  }, [series.data, bucket, filter]);
  const chartTotals = points.reduce((sum, p) => ({ costUsd: sum.costUsd + p.costUsd, totalTokens: sum.totalTokens + p.totalTokens }), { costUsd: 0, totalTokens: 0 });
  const rows = useMemo(() => [...(table.data?.usage ?? [])].sort((a, b) => b.usage.costUsd - a.usage.costUsd || rowKey(a, dimension).localeCompare(rowKey(b, dimension))), [table.data, dimension]);
  const totals = rows.reduce(
    (sum, row) => ({
      requests: sum.requests + row.usage.requests,
      inputTokens: sum.inputTokens + row.usage.inputTokens,
      outputTokens: sum.outputTokens + row.usage.outputTokens,
      totalTokens: sum.totalTokens + row.usage.totalTokens,
      costUsd: sum.costUsd + row.usage.costUsd,
      unpricedRequests: sum.unpricedRequests + row.usage.unpricedRequests,
    }),
    { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0, unpricedRequests: 0 },
  );

  const set = (next: Record<string, string>) => {
    const merged = new URLSearchParams(search);
    for (const [key, value] of Object.entries(next)) merged.set(key, value);
    navigate(`/usage?${merged.toString()}`, { replace: true });
  };

  const download = () => {
    const header = [dimension.toLowerCase(), 'requests', 'input_tokens', 'output_tokens', 'total_tokens', 'cost_usd', 'unpriced_requests'];
    const lines = [header, ...rows.map((row) => [rowKey(row, dimension), row.usage.requests, row.usage.inputTokens, row.usage.outputTokens, row.usage.totalTokens, row.usage.costUsd, row.usage.unpricedRequests])];
    const blob = new Blob([lines.map((line) => line.map(csvCell).join(',')).join('\n') + '\n'], { type: 'text/csv' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `usage-${dimension.toLowerCase()}-${filter.from.slice(0, 10)}-${filter.to.slice(0, 10)}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Usage ledger</h1>
          <p>Model usage and cost, as priced when it was recorded.</p>
        </div>
        <div className="field-row">
          <label>
            Time range
            <select value={range.id} onChange={(e) => set({ range: e.target.value })}>
              {RANGES.map((r) => <option key={r.id} value={r.id}>{r.label}</option>)}
            </select>
          </label>
          <label>
            Group by
            <select value={dimension} onChange={(e) => set({ by: e.target.value })}>
              {DIMENSIONS.map((d) => <option key={d} value={d}>{d.toLowerCase()}</option>)}
            </select>
          </label>
          <button onClick={download} disabled={rows.length === 0}>Download CSV</button>
        </div>
      </div>
      {(series.error || table.error) && <div className="error-box">{(series.error ?? table.error)!.message}</div>}
      <section className="card" aria-labelledby="chart-title">
        <div className="card-head">
          <h2 id="chart-title">Cost and tokens per {bucket.toLowerCase()}</h2>
          <div className="legend-totals" aria-label="Chart totals">
            <div><span className="muted">Cost</span><strong data-chart-total="cost" data-value={chartTotals.costUsd}>{formatUsd(chartTotals.costUsd)}</strong></div>
            <div><span className="muted">Tokens</span><strong data-chart-total="tokens" data-value={chartTotals.totalTokens}>{formatInteger(chartTotals.totalTokens)}</strong></div>
          </div>
        </div>
        <div className="card-pad">
          {series.fetching && !series.data ? <div className="empty">Loading…</div> : (series.data?.usage.length ?? 0) === 0 ? <div className="empty">No usage in this range.</div> : <UsageChart points={points} theme={theme} />}
        </div>
      </section>
      <section className="card" aria-labelledby="table-title">
        <div className="card-head">
          <h2 id="table-title">By {dimension.toLowerCase()}</h2>
          <span className="muted">{rows.length} rows</span>
        </div>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{dimension.toLowerCase()}</th>
                <th scope="col" className="num">Requests</th>
                <th scope="col" className="num">Input tokens</th>
                <th scope="col" className="num">Output tokens</th>
                <th scope="col" className="num">Total tokens</th>
                <th scope="col" className="num">Cost</th>
                <th scope="col" className="num">Unpriced</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const key = rowKey(row, dimension);
                return (
                  <tr key={key}>
                    <td>{dimension === 'SESSION' && row.sessionId ? <Link href={`/sessions/${row.sessionId}`}>{key}</Link> : key}</td>
                    <td className="num">{formatInteger(row.usage.requests)}</td>
                    <td className="num">{formatInteger(row.usage.inputTokens)}</td>
                    <td className="num">{formatInteger(row.usage.outputTokens)}</td>
                    <td className="num">{formatInteger(row.usage.totalTokens)}</td>
                    <td className="num">{formatUsd(row.usage.costUsd)}</td>
                    <td className="num">{row.usage.unpricedRequests ? formatInteger(row.usage.unpricedRequests) : '–'}</td>
                  </tr>
                );
              })}
            </tbody>
            {rows.length > 0 && (
              <tfoot>
                <tr>
                  <td>Total</td>
                  <td className="num">{formatInteger(totals.requests)}</td>
                  <td className="num">{formatInteger(totals.inputTokens)}</td>
                  <td className="num">{formatInteger(totals.outputTokens)}</td>
                  <td className="num" data-table-total="tokens">{formatInteger(totals.totalTokens)}</td>
                  <td className="num" data-table-total="cost">{formatUsd(totals.costUsd)}</td>
                  <td className="num">{formatInteger(totals.unpricedRequests)}</td>
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      </section>
    </div>
  );
}
