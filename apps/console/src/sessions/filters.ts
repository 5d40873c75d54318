import type { SessionFilter, SessionKind, StatusGroup } from '../gql/graphql';

export const KINDS: SessionKind[] = ['CHAT', 'FLOW_RUN', 'BACKGROUND_TASK', 'RUNTIME'];
export const GROUPS: StatusGroup[] = ['ACTIVE', 'ATTENTION', 'SUCCESS', 'PROBLEM', 'IDLE'];

/** The list's filters as they stand in the URL, so a view can be shared by its address. */
export interface FilterState {
  search: string;
  kinds: SessionKind[];
  groups: StatusGroup[];
  tags: string;
  owner: string;
  initiative: string;
  flow: string;
  metadata: string;
  pinned: boolean;
}

function list(params: URLSearchParams, name: string): string[] {
  return (params.get(name) ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}

export function readFilters(search: string): FilterState {
  const params = new URLSearchParams(search);
  return {
    search: params.get('q') ?? '',
    kinds: list(params, 'kind').filter((k): k is SessionKind => (KINDS as string[]).includes(k)),
    groups: list(params, 'group').filter((g): g is StatusGroup => (GROUPS as string[]).includes(g)),
    tags: params.get('tags') ?? '',
    owner: params.get('owner') ?? '',
    initiative: params.get('initiative') ?? '',
    flow: params.get('flow') ?? '',
    metadata: params.get('metadata') ?? '',
    pinned: params.get('pinned') === '1',
  };
}

export function writeFilters(state: FilterState): string {
  const params = new URLSearchParams();
  if (state.search) params.set('q', state.search);
  if (state.kinds.length) params.set('kind', state.kinds.join(','));
  if (state.groups.length) params.set('group', state.groups.join(','));
  if (state.tags) params.set('tags', state.tags);
  if (state.owner) params.set('owner', state.owner);
  if (state.initiative) params.set('initiative', state.initiative);
  if (state.flow) params.set('flow', state.flow);
  if (state.metadata) params.set('metadata', state.metadata);
  if (state.pinned) params.set('pinned', '1');
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The API's SessionFilter for the state; a metadata text that is not a JSON object is reported. */
export function toApiFilter(state: FilterState): { filter: SessionFilter; problem: string | null } {
  const filter: SessionFilter = {};
  let problem: string | null = null;
  if (state.search) filter.search = state.search;
  if (state.kinds.length) filter.kinds = state.kinds;
  if (state.groups.length) filter.statusGroups = state.groups;
  const tags = state.tags.split(',').map((t) => t.trim()).filter(Boolean);
  if (tags.length) filter.tags = tags;
  const owners = state.owner.split(',').map((t) => t.trim()).filter(Boolean);
  if (owners.length) filter.ownerIds = owners;
  if (state.initiative) filter.initiative = state.initiative;
  if (state.flow) filter.flowId = state.flow;
  if (state.pinned) filter.pinnedOnly = true;
  if (state.metadata) {
    try {
      const parsed: unknown = JSON.parse(state.metadata);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) filter.metadata = parsed;
      else problem = 'Metadata must be a JSON object, for example {"team": "payments"}';
    } catch {
      problem = 'Metadata is not valid JSON; write it as {"key": "value"}';
    }
  }
  return { filter, problem };
}
