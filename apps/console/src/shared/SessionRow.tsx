import { memo } from 'react';
import { Link } from 'wouter';
import type { SessionSummaryFragment } from '../gql/graphql';
import { formatUsd, principalLabel } from './format';
import { RelativeTime } from './RelativeTime';
import { StatusBadge } from './StatusBadge';

export interface SessionRowProps {
  session: SessionSummaryFragment;
  pinned?: boolean;
  onTogglePin?: (id: string) => void;
  /** Present when the caller may resolve checkpoints. */
  onResolve?: (id: string, decision: 'APPROVE' | 'REJECT') => void;
  busy?: boolean;
}

export function sessionName(session: { id: string; title?: string | null; preview?: string | null }): string {
  return session.title || session.preview || session.id;
}

/** One session: status, name, progress, owner, last activity, the error, and its actions. */
export const SessionRow = memo(function SessionRow({ session, pinned, onTogglePin, onResolve, busy }: SessionRowProps) {
  const waitsAtCheckpoint = session.status === 'PAUSED';
  return (
    <div className="row" data-session-id={session.id} data-section-row>
      <div className="row-main">
        <div className="row-title">
          <StatusBadge status={session.status} group={session.statusGroup} />
          <Link href={`/sessions/${session.id}`}>{sessionName(session)}</Link>
        </div>
        <div className="row-meta">
          <span className="kind">{session.kind.replace('_', ' ')}</span>
          <span data-progress>{session.progress.label}</span>
          <span title={`${session.owner.type} ${session.owner.id}`}>{principalLabel(session.owner)}</span>
          <RelativeTime iso={session.lastActivityAt} />
          {session.usage.costUsd > 0 && <span>{formatUsd(session.usage.costUsd)}</span>}
          {session.tags.length > 0 && (
            <span className="chips" style={{ gap: 4 }}>
              {session.tags.slice(0, 4).map((tag) => (
                <span className="tag" key={tag}>
                  {tag}
                </span>
              ))}
            </span>
          )}
        </div>
        {session.lastError && (
          <div className="row-error" title={session.lastError.message}>
            {session.lastError.code}: {session.lastError.message}
          </div>
        )}
      </div>
      <div className="row-side">
        {waitsAtCheckpoint && onResolve && (
          <>
            <button className="small approve" disabled={busy} onClick={() => onResolve(session.id, 'APPROVE')} aria-label={`Approve checkpoint of ${sessionName(session)}`}>
              Approve
            </button>
            <button className="small reject" disabled={busy} onClick={() => onResolve(session.id, 'REJECT')} aria-label={`Reject checkpoint of ${sessionName(session)}`}>
              Reject
            </button>
          </>
        )}
        {onTogglePin && (
          <button className="pin" aria-pressed={pinned ? 'true' : 'false'} aria-label={pinned ? `Unpin ${sessionName(session)}` : `Pin ${sessionName(session)}`} onClick={() => onTogglePin(session.id)}>
            {pinned ? '★' : '☆'}
          </button>
        )}
      </div>
    </div>
  );
});
