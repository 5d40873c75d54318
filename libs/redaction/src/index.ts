export { Redactor } from './redactor';
export type { RedactionResult } from './redactor';
export { RedactionError } from './finding';
export { RedactionThread } from './redaction-thread';
