/**
 * `JSON.stringify(value).slice(0, max)` for a JSON value (what `JSON.parse` gives), serializing
 * little more than `max` characters: a preview of a tool's output must not serialize the whole
 * output (its largest string was most of what a rebuild allocated for tool calls).
 *
 * Written piece by piece in JSON.stringify's own order and forms (Object.keys order, `null` for
 * what an array cannot hold, a member skipped when JSON.stringify skips it); a string longer than
 * what is still missing is cut before it is quoted: every character gives at least one of
 * output, and the characters before the cut are escaped as in the whole string (the one at the
 * cut is the only one whose escape can depend on its neighbour, a surrogate pair's half), so the
 * first `max` characters are the same. A value with a `toJSON` is left to JSON.stringify.
 */
export function jsonPrefix(value: unknown, max: number): string | undefined {
  const pieces: string[] = [];
  let length = 0;
  const push = (piece: string): boolean => {
    pieces.push(piece);
    length += piece.length;
    return length >= max;
  };

  /** Writes `v`; true once `max` characters are written. */
  const write = (v: unknown): boolean => {
    if (typeof v === 'string') {
      const room = max - length + 1;
      return push(JSON.stringify(v.length > room ? v.slice(0, room) : v));
    }
    if (v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      return push(JSON.stringify(v) ?? 'null');
    }
    if (Array.isArray(v)) {
      if (push('[')) return true;
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && push(',')) return true;
        if (write(skipped(v[i]) ? null : v[i])) return true;
      }
      return push(']');
    }
    if (push('{')) return true;
    let first = true;
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const member = record[key];
      if (skipped(member)) continue;
      if (!first && push(',')) return true;
      first = false;
      if (push(JSON.stringify(key)) || push(':') || write(member)) return true;
    }
    return push('}');
  };

  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  write(value);
  const text = pieces.join('');
  return text.length <= max ? text : text.slice(0, max);
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function skipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
