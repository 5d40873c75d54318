import { diffLines } from 'diff';
import type { ReactNode } from 'react';
import { formatDateTime, formatDuration, formatInteger, formatUsd, principalLabel } from './format';
import { JsonBlock, Redacted } from './Redacted';

export interface TimelineEventData {
  sequence: number;
  type: string;
  runId?: string | null;
  at: string;
  actor: { type: string; id: string; name?: string | null };
  data: unknown;
}

type Data = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

function FileDiff({ before, after }: { before: string; after: string }) {
  const parts = diffLines(before, after);
  return (
    <div className="diff" role="region" aria-label="Before and after" tabIndex={0}>
      {parts.flatMap((part, i) =>
        part.value
          .replace(/\n$/, '')
          .split('\n')
          .map((line, j) => (
            <div key={`${i}-${j}`} className={part.added ? 'add' : part.removed ? 'del' : ''}>
              {part.added ? '+ ' : part.removed ? '- ' : '  '}
              <Redacted text={line} />
            </div>
          )),
      )}
    </div>
  );
}

/** One timeline event, rendered by its type; unknown and lifecycle types show their data. */
function body(type: string, data: Data): ReactNode {
  switch (type) {
    case 'MESSAGE': {
      const role = text(data.role) || 'assistant';
      return (
        <div className={`bubble ${role}`}>
          <strong className="muted" style={{ fontSize: 12 }}>{role}</strong>
          <div><Redacted text={text(data.text)} /></div>
        </div>
      );
    }
    case 'REASONING_SUMMARY':
    case 'OUTPUT_DELTA':
      return <div className="bubble system" style={{ fontStyle: type === 'REASONING_SUMMARY' ? 'italic' : undefined }}><Redacted text={text(data.text)} /></div>;
    case 'TOOL_CALL':
      return (
        <div>
          <code>{text(data.name)}</code> <span className="muted">call {text(data.toolCallId)}</span>
          <JsonBlock value={data.arguments} label="Arguments" />
        </div>
      );
    case 'TOOL_RESULT':
      return (
        <div>
          <span className={data.status === 'failed' ? 'group-PROBLEM' : 'group-ACTIVE'}>{text(data.status)}</span>{' '}
          <span className="muted">result of {text(data.toolCallId)}</span>
          {typeof data.durationMs === 'number' && <span className="muted"> · {formatDuration(data.durationMs)}</span>}
          <JsonBlock value={data.output} label="Output" />
        </div>
      );
    case 'FILE_EDIT':
      return (
        <div>
          <code>{text(data.path)}</code>
          <FileDiff before={text(data.before)} after={text(data.after)} />
        </div>
      );
    case 'COMMAND':
      return (
        <div>
          <pre className="block" tabIndex={0} aria-label="Command">$ <Redacted text={text(data.command)} /></pre>
          <div className="muted" style={{ fontSize: 12.5, marginTop: 4 }}>
            {data.exitCode !== undefined && (
              <span className={data.exitCode === 0 ? 'group-ACTIVE' : 'group-PROBLEM'}>exit {text(data.exitCode)}</span>
            )}
            {typeof data.durationMs === 'number' && <> · {formatDuration(data.durationMs)}</>}
          </div>
          {data.stdout !== undefined && <JsonBlock value={data.stdout} label="Standard output" />}
          {data.stderr !== undefined && <JsonBlock value={data.stderr} label="Standard error" />}
        </div>
      );
    case 'STEP':
      return (
        <div>
          Step {text(data.index)}
          {data.total !== undefined && <> of {text(data.total)}</>}
          {data.name !== undefined && <>: <strong>{text(data.name)}</strong></>}
        </div>
      );
    case 'CHECKPOINT':
      return (
        <div className="notice">
          Checkpoint <strong>{text(data.name)}</strong>
          {data.reason !== undefined && <>: <Redacted text={text(data.reason)} /></>}
        </div>
      );
    case 'MODEL_USAGE':
      return (
        <div>
          <code>{text(data.model)}</code> · {formatInteger(Number(data.inputTokens ?? 0))} in / {formatInteger(Number(data.outputTokens ?? 0))} out
          {typeof data.costUsd === 'number' && <> · {formatUsd(data.costUsd)}</>}
          {typeof data.latencyMs === 'number' && <> · {formatDuration(data.latencyMs)}</>}
        </div>
      );
    case 'STATUS':
      return <div>Status → <strong>{text(data.status)}</strong></div>;
    case 'ERROR':
      return (
        <div className="error-box">
          <strong>{text(data.code)}</strong>: <Redacted text={text(data.message)} />
        </div>
      );
    case 'LOG':
      return (
        <div className="mono">
          <span className="muted">[{text(data.level) || 'info'}]</span> <Redacted text={text(data.message)} />
        </div>
      );
    case 'CheckpointResolved':
      return (
        <div>
          Checkpoint {data.decision === 'APPROVE' ? <span className="group-ACTIVE">approved</span> : <span className="group-PROBLEM">rejected</span>}
          {data.resolvedBy && typeof data.resolvedBy === 'object' ? <> by {principalLabel(data.resolvedBy as { type: string; id: string })}</> : null}
          {data.comment ? <>: {text(data.comment)}</> : null}
        </div>
      );
    case 'RunStarted':
      return <div>Run <code>{text(data.runId)}</code> started{data.model ? <> on <code>{text(data.model)}</code></> : null}</div>;
    case 'RunFinished':
      return (
        <div>
          Run <code>{text(data.runId)}</code> finished <strong>{text(data.status)}</strong>
          {data.error ? <div className="row-error">{text((data.error as Data).code)}: {text((data.error as Data).message)}</div> : null}
        </div>
      );
    case 'SessionEnded':
      return <div>Session ended <strong>{text(data.status)}</strong>{data.reason ? <>: {text(data.reason)}</> : null}</div>;
    default:
      return <JsonBlock value={data} />;
  }
}

export function TimelineEventView({ event, future }: { event: TimelineEventData; future: boolean }) {
  const data = (event.data && typeof event.data === 'object' ? event.data : {}) as Data;
  return (
    <li className="event" data-sequence={event.sequence} data-type={event.type} data-future={future ? 'true' : 'false'}>
      <div className="event-seq">#{event.sequence}</div>
      <div style={{ minWidth: 0 }}>
        <div className="event-head">
          <span className="event-type">{event.type}</span>
          <time dateTime={event.at}>{formatDateTime(event.at)}</time>
          <span>{principalLabel(event.actor)}</span>
          {event.runId && <code title="run">{event.runId.slice(0, 16)}</code>}
        </div>
        {body(event.type, data)}
      </div>
    </li>
  );
}
