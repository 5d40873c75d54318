import { LedgerClient } from '../api-client';
import { UsageError } from '../errors';
import { PROJECTION_FIELDS, ProjectionStatus } from '../projection-progress';

const PROJECTIONS_QUERY = `query Projections { projections { ${PROJECTION_FIELDS} } }`;

export async function projections(client: LedgerClient): Promise<ProjectionStatus[]> {
  return (await client.request<{ projections: ProjectionStatus[] }>(PROJECTIONS_QUERY, {}, { retry: true })).projections;
}

/** The projection's current (live) status; a usage error naming the projections when there is none. */
export async function requireProjection(client: LedgerClient, name: string): Promise<ProjectionStatus> {
  const all = await projections(client);
  const mine = all.filter((status) => status.name === name);
  if (mine.length === 0) {
    const names = [...new Set(all.map((status) => status.name))];
    throw new UsageError(`no projection named ${JSON.stringify(name)}; the server has: ${names.join(', ') || 'none'}`);
  }
  return mine.find((status) => status.state === 'LIVE') ?? mine.reduce((a, b) => (b.version > a.version ? b : a));
}
