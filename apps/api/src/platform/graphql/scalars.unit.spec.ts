import { DateTimeScalar, isCanonicalIso } from './scalars';

/** toIso without the canonical shortcut: parse, then format in UTC. */
function slowIso(text: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('DateTime', () => {
  it('takes the shortcut exactly where parsing and formatting would give the same text back', () => {
    // Every month and day edge, leap and common years, and out-of-range fields.
    const years = [0, 1, 1900, 1970, 2000, 2023, 2024, 2100, 2400, 9999];
    const texts: string[] = [];
    for (const year of years) {
      for (let month = 0; month <= 13; month += 1) {
        for (const day of [0, 1, 28, 29, 30, 31, 32]) {
          for (const [h, m, s] of [[0, 0, 0], [23, 59, 59], [24, 0, 0], [12, 60, 0], [12, 0, 60]]) {
            texts.push(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(h!, 2)}:${pad(m!, 2)}:${pad(s!, 2)}.${pad((year + day) % 1000, 3)}Z`);
          }
        }
      }
    }
    texts.push('2026-12-02T00:00:00.000+00:00', '2026-12-02T00:00:00Z', '2026-12-02T00:00:00.0000Z', '2026-12-02t00:00:00.000Z', '2026-12-02T00:00:00.00aZ', ' 2026-12-02T00:00:00.000Z'.trim() + ' ');
    let shortcuts = 0;
    for (const text of texts) {
      const slow = slowIso(text);
      if (isCanonicalIso(text)) {
        shortcuts += 1;
        expect(slow).toBe(text);
      } else {
        expect(slow === text).toBe(false);
      }
    }
    expect(shortcuts).toBeGreaterThan(1000);
  });

  it('serializes stored instants unchanged and normalizes every other accepted form to UTC milliseconds', () => {
    expect(DateTimeScalar.serialize('2026-12-02T01:02:03.004Z')).toBe('2026-12-02T01:02:03.004Z');
    expect(DateTimeScalar.serialize('2024-02-29T00:00:00.000Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(DateTimeScalar.serialize('2023-02-29T00:00:00.000Z')).toBe('2023-03-01T00:00:00.000Z');
    expect(DateTimeScalar.serialize('2026-12-02T01:02:03+01:00')).toBe('2026-12-02T00:02:03.000Z');
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 0, 31, 12)))).toBe('2026-01-31T12:00:00.000Z');
    expect(() => DateTimeScalar.serialize('2026-13-01T00:00:00.000Z')).toThrow(/ISO-8601/);
    expect(() => DateTimeScalar.serialize('yesterday')).toThrow(/ISO-8601/);
  });
});
