/** One figure of the final table. */
export interface Target {
  /** What must hold for a pass: the figure (or its ratio to the ceiling) against `value`. */
  op: '>=' | '<=';
  value: number;
  /** Compare the ratio to the ceiling instead of the figure itself. */
  onCeilingRatio?: boolean;
  /** How the target reads in the table, e.g. ">= 60 % of ceiling". */
  label: string;
}

export type RowStatus = 'pass' | 'miss' | 'info' | 'not measured' | 'error';

export interface Row {
  /** The issue's scenario number, e.g. "2". */
  scenario: string;
  figure: string;
  value: number | null;
  unit: string;
  target?: Target;
  /** value / ceiling, for write figures. */
  ceilingRatio?: number;
  status: RowStatus;
  note?: string;
}

export function row(input: Omit<Row, 'status'> & { status?: RowStatus }): Row {
  if (input.status) return input as Row;
  if (!input.target || input.value === null || Number.isNaN(input.value)) return { ...input, status: 'info' };
  const subject = input.target.onCeilingRatio ? input.ceilingRatio : input.value;
  if (subject === undefined || Number.isNaN(subject)) return { ...input, status: 'info' };
  const ok = input.target.op === '>=' ? subject >= input.target.value : subject <= input.target.value;
  return { ...input, status: ok ? 'pass' : 'miss' };
}

function formatValue(value: number | null, unit: string): string {
  if (value === null || Number.isNaN(value)) return '-';
  if (unit === 'x') return value.toFixed(2);
  if (Math.abs(value) >= 1000) return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

const ORDER = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'];

function scenarioOrder(a: Row, b: Row): number {
  const ia = ORDER.indexOf(a.scenario);
  const ib = ORDER.indexOf(b.scenario);
  return ia - ib;
}

/** The one table: scenario, figure, value, unit, target, ratio to the ceiling, result. */
export function formatTable(rows: Row[]): string {
  const sorted = [...rows].sort(scenarioOrder);
  const header = ['#', 'figure', 'value', 'unit', 'target', 'vs ceiling', 'result'];
  const lines = sorted.map((r) => [
    r.scenario,
    r.figure,
    r.status === 'not measured' ? '' : formatValue(r.value, r.unit),
    r.status === 'not measured' ? '' : r.unit,
    r.target?.label ?? '',
    r.ceilingRatio === undefined ? '' : `${(r.ceilingRatio * 100).toFixed(0)} %`,
    r.status === 'not measured' || r.status === 'error' ? `${r.status}${r.note ? `: ${r.note}` : ''}` : r.status,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (i === 6 ? 0 : l[i]!.length))));
  const pad = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 2 || i === 5 ? cell.padStart(widths[i]!) : i === 6 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w, i) => '-'.repeat(i === 6 ? 6 : w)).join('  ');
  const notes = sorted.filter((r) => r.note && r.status !== 'not measured' && r.status !== 'error').map((r) => `  [${r.scenario}] ${r.figure}: ${r.note}`);
  return [pad(header), rule, ...lines.map(pad), ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}
