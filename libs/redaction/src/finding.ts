import type { CodedError } from '@ledger/domain';

/** A credential located in the scanned text: `[start, end)` offsets and the name it is redacted as. */
export interface Finding {
  start: number;
  end: number;
  rule: string;
  /**
   * Breaks ties between findings of equal width on the same text: lower wins. Preset rules rank
   * first because they are the maintained source of truth; supplementary rules follow in table order.
   */
  rank: number;
}

/** Thrown when the scan itself fails. Its message never quotes the scanned text. */
export class RedactionError extends Error implements CodedError {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly details: { fields: { field: string; message: string }[] };
  readonly publicMessage: string;

  constructor(message: string) {
    super(message);
    this.details = { fields: [{ field: 'input', message }] };
    this.publicMessage = `a payload could not be scanned for credentials: ${message}`;
    this.name = 'RedactionError';
  }
}
