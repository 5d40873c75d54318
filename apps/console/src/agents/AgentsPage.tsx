import { useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { formatInteger, formatUsd, principalLabel } from '../shared/format';
import { useDocumentTitle } from '../shared/hooks';
import { RelativeTime } from '../shared/RelativeTime';
import { SessionRow } from '../shared/SessionRow';
import { StatusBadge } from '../shared/StatusBadge';

const ManagedAgentsQuery = graphql(`
  query ManagedAgents {
    managedAgents(first: 100) {
      edges {
        node {
          principal { type id name }
          sessionCount
          lastActivityAt
          activeSession { id title status statusGroup }
          usage { costUsd totalTokens requests }
        }
      }
    }
  }
`);

const AgentSessionsQuery = graphql(`
  query AgentSessions($owner: ID!) {
    sessions(filter: { ownerIds: [$owner] }, first: 50) {
      edges { node { ...SessionSummary } }
      totalCount
    }
  }
`);

/** Managed agents: the durable identities of enrolled runtimes, and their sessions over time. */
export function AgentsPage() {
  useDocumentTitle('Agents');
  const [agents] = useQuery({ query: ManagedAgentsQuery });
  const list = agents.data?.managedAgents.edges.map((edge) => edge.node) ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const current = selected ?? list[0]?.principal.id ?? null;
  const [sessions] = useQuery({ query: AgentSessionsQuery, variables: { owner: current ?? '' }, pause: !current });
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Managed agents</h1>
          <p>Each enrolled runtime's durable identity, with its sessions over time.</p>
        </div>
      </div>
      {agents.error && <div className="error-box">{agents.error.message}</div>}
      <section className="card">
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Now</th>
                <th scope="col" className="num">Sessions</th>
                <th scope="col" className="num">Requests</th>
                <th scope="col" className="num">Tokens</th>
                <th scope="col" className="num">Cost</th>
                <th scope="col">Last activity</th>
              </tr>
            </thead>
            <tbody>
              {list.map((agent) => (
                <tr key={agent.principal.id} aria-selected={agent.principal.id === current} style={agent.principal.id === current ? { background: 'var(--bg-hover)' } : undefined}>
                  <td>
                    <button className="ghost" style={{ padding: 0, color: 'var(--accent)' }} onClick={() => setSelected(agent.principal.id)}>
                      {principalLabel(agent.principal)}
                    </button>
                    <div className="muted mono">{agent.principal.id}</div>
                  </td>
                  <td>{agent.activeSession ? <StatusBadge status={agent.activeSession.status} group={agent.activeSession.statusGroup} /> : <span className="muted">idle</span>}</td>
                  <td className="num">{formatInteger(agent.sessionCount)}</td>
                  <td className="num">{formatInteger(agent.usage.requests)}</td>
                  <td className="num">{formatInteger(agent.usage.totalTokens)}</td>
                  <td className="num">{formatUsd(agent.usage.costUsd)}</td>
                  <td>{agent.lastActivityAt ? <RelativeTime iso={agent.lastActivityAt} /> : '–'}</td>
                </tr>
              ))}
              {agents.data && list.length === 0 && (
                <tr><td colSpan={7} className="empty">No managed agent has reported yet.</td></tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
      {current && (
        <section className="card" aria-labelledby="agent-sessions">
          <div className="card-head">
            <h2 id="agent-sessions">Sessions of {current}</h2>
            <span className="muted">{sessions.data ? `${formatInteger(sessions.data.sessions.totalCount)} in all, newest first` : ''}</span>
          </div>
          <div className="rows">
            {sessions.data?.sessions.edges.map((edge) => <SessionRow key={edge.node.id} session={edge.node} />)}
          </div>
        </section>
      )}
    </div>
  );
}
