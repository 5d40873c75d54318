import { BadUserInputError } from '@ledger/domain';

/** Opaque cursors: base64url JSON, validated on the way back in. */
export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends Record<string, unknown>>(cursor: string | null | undefined, check: (value: Record<string, unknown>) => boolean): T | null {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (value && typeof value === 'object' && check(value)) return value as T;
  } catch {
    // Falls through to the refusal below.
  }
  throw BadUserInputError.field('after', 'is not a cursor this server issued; pass an endCursor from a previous page');
}

export function requirePageSize(first: number | null | undefined, max: number, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > max) throw BadUserInputError.field('first', `must be between 0 and ${max}, got ${size}`);
  return size;
}
