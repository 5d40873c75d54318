import type { StatusGroup } from '../gql/graphql';

/** The status as the server reports it, coloured by the server's status group. */
export function StatusBadge({ status, group }: { status: string; group: StatusGroup }) {
  return (
    <span className={`badge group-${group}`} title={`status group ${group}`} data-status={status}>
      {status.replace('_', ' ')}
    </span>
  );
}
