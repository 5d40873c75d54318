/** Credential redaction as the write side uses it; bound to libs/redaction's Redactor. */
export interface RedactorPort {
  redactBatch(values: unknown[]): Promise<Array<{ value: unknown; rules: string[] }>>;
}

export const REDACTOR = Symbol('REDACTOR');
