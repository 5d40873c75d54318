import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { VerifyProjectionMutation } from '../gql/graphql';
import { formatInteger } from '../shared/format';
import { useDocumentTitle } from '../shared/hooks';
import { useCan } from '../app/session-context';

const ProjectionsQuery = graphql(`
  query Projections {
    projections { name version state checkpoint processedEvents lagEvents lagMs rebuildProgress eventsPerSecond }
  }
`);

const RebuildMutation = graphql(`
  mutation RebuildProjection($name: String!) { rebuildProjection(name: $name) { name state rebuildProgress } }
`);

const VerifyMutation = graphql(`
  mutation VerifyProjection($name: String!) {
    verifyProjection(name: $name) { name matches liveDigest rebuiltDigest documents differences }
  }
`);

/** Projections and their audit. Rebuild and verify are ADMIN only; the server refuses others anyway. */
export function AuditPage() {
  useDocumentTitle('Audit');
  const can = useCan();
  const [projections, refetch] = useQuery({ query: ProjectionsQuery, requestPolicy: 'network-only' });
  const [, rebuild] = useMutation(RebuildMutation);
  const [verifying, verify] = useMutation(VerifyMutation);
  const [verification, setVerification] = useState<VerifyProjectionMutation['verifyProjection'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rows = projections.data?.projections ?? [];
  const rebuilding = rows.some((row) => row.state === 'REBUILDING' || row.state === 'CATCHING_UP');
  // Progress has no subscription in the API: while a rebuild runs, the page re-reads it twice a second.
  useEffect(() => {
    if (!rebuilding) return;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), 500);
    return () => clearInterval(timer);
  }, [rebuilding, refetch]);

  const message = (e: { graphQLErrors: { message: string }[]; message: string }) => e.graphQLErrors[0]?.message ?? e.message;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Audit</h1>
          <p>Read models are projections of the events: rebuild them, or verify that they are exactly what the events say.</p>
        </div>
        <button onClick={() => refetch({ requestPolicy: 'network-only' })}>Refresh</button>
      </div>
      {!can.administer && <div className="notice">Rebuild and verify need an ADMIN key; this key can read the projections' state only.</div>}
      {error && <div className="error-box" role="alert">{error}</div>}
      <section className="card">
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Projection</th>
                <th scope="col">State</th>
                <th scope="col" className="num">Checkpoint</th>
                <th scope="col" className="num">Processed</th>
                <th scope="col" className="num">Lag</th>
                <th scope="col" className="num">Events/s</th>
                {can.administer && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.name} data-projection={row.name}>
                  <td><strong>{row.name}</strong> <span className="muted">v{row.version}</span></td>
                  <td>
                    <span className={`badge group-${row.state === 'LIVE' ? 'ACTIVE' : row.state === 'FAILED' ? 'PROBLEM' : 'ATTENTION'}`}>{row.state}</span>
                    {row.rebuildProgress != null && row.state === 'REBUILDING' && (
                      <div className="progress-bar" role="progressbar" aria-label={`Rebuild of ${row.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(row.rebuildProgress * 100)} style={{ marginTop: 6 }}>
                        <span style={{ width: `${Math.round(row.rebuildProgress * 100)}%` }} />
                      </div>
                    )}
                  </td>
                  <td className="num mono">{row.checkpoint ?? '–'}</td>
                  <td className="num">{formatInteger(row.processedEvents)}</td>
                  <td className="num">{formatInteger(row.lagEvents)}{row.lagMs != null && row.lagMs > 0 ? <span className="muted"> ({Math.round(row.lagMs)} ms)</span> : null}</td>
                  <td className="num">{row.eventsPerSecond != null ? formatInteger(row.eventsPerSecond) : '–'}</td>
                  {can.administer && (
                    <td>
                      <div style={{ display: 'flex', gap: 6 }}>
                        <button
                          className="small"
                          disabled={row.state === 'REBUILDING'}
                          onClick={async () => {
                            const result = await rebuild({ name: row.name });
                            setError(result.error ? message(result.error) : null);
                            refetch({ requestPolicy: 'network-only' });
                          }}
                        >
                          Rebuild
                        </button>
                        <button
                          className="small"
                          disabled={verifying.fetching}
                          onClick={async () => {
                            const result = await verify({ name: row.name });
                            setError(result.error ? message(result.error) : null);
                            setVerification(result.data?.verifyProjection ?? null);
                          }}
                        >
                          Verify
                        </button>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {verifying.fetching && <div className="notice" role="status">Verifying: rebuilding into scratch space and comparing every document…</div>}
      {verification && (
        <section className="card card-pad" aria-labelledby="verify-title" data-verification={verification.matches ? 'match' : 'differs'}>
          <h2 id="verify-title">
            Verification of {verification.name}: {verification.matches ? <span className="group-ACTIVE">matches the events</span> : <span className="group-PROBLEM">differs from the events</span>}
          </h2>
          <dl className="kv">
            <dt>Documents</dt><dd>{formatInteger(verification.documents)}</dd>
            <dt>Live digest</dt><dd className="mono">{verification.liveDigest}</dd>
            <dt>Rebuilt digest</dt><dd className="mono">{verification.rebuiltDigest}</dd>
            {verification.differences.length > 0 && (
              <>
                <dt>Differing ids</dt>
                <dd>
                  {verification.differences.map((id) => (
                    <div key={id}>{id.startsWith('session_') ? <Link href={`/sessions/${id}`}>{id}</Link> : <code>{id}</code>}</div>
                  ))}
                </dd>
              </>
            )}
          </dl>
        </section>
      )}
    </div>
  );
}
