import type { ReactNode } from 'react';

const MARKER = /\[REDACTED:[^\]]+\]/g;

/** Text with the server's redaction markers shown as such, never as ordinary text. */
export function Redacted({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    parts.push(
      <mark key={index} className="redacted" title="a credential was removed before it was stored">
        {match[0]}
      </mark>,
    );
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return (
    <pre className="block" aria-label={label ?? 'Data'} tabIndex={0}>
      <Redacted text={text} />
    </pre>
  );
}
