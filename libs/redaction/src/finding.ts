import { FieldInputError } from '@ledger/domain';

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
export class RedactionError extends FieldInputError {
  constructor(message: string) {
    super('input', message, `a payload could not be scanned for credentials: ${message}`);
  }
}
