import { graphql } from '../gql';

/** What a session row shows, the same on every page. Group, active and progress are the server's. */
export const SessionSummaryFragment = graphql(`
  fragment SessionSummary on Session {
    id
    kind
    status
    statusGroup
    active
    title
    preview
    tags
    owner { type id name }
    progress { label }
    lastError { code message at }
    lastActivityAt
    createdAt
    usage { costUsd totalTokens }
  }
`);

export const PinnedSessionsQuery = graphql(`
  query PinnedSessions {
    sessions(filter: { pinnedOnly: true }, first: 200) { edges { node { id } } }
  }
`);

export const SetPinnedMutation = graphql(`
  mutation SetPinned($input: SetPinnedInput!) {
    setPinned(input: $input) { id }
  }
`);

export const WaitingRunsQuery = graphql(`
  query WaitingRuns($id: ID!) {
    session(id: $id) { id runs(first: 50) { edges { node { id status } } } }
  }
`);

export const ResolveCheckpointMutation = graphql(`
  mutation ResolveCheckpoint($input: ResolveCheckpointInput!) {
    resolveCheckpoint(input: $input) { id status }
  }
`);
