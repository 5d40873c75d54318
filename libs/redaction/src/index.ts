export { Redactor } from './redactor';
export type { RedactionResult } from './redactor';
export { RedactionError } from './finding';
