"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SESSION_EVENT_SCHEMA_VERSION = exports.LIFECYCLE_EVENT_TYPES = void 0;
exports.LIFECYCLE_EVENT_TYPES = [
    'SessionStarted',
    'SessionUpdated',
    'RunStarted',
    'RunFinished',
    'CheckpointResolved',
    'SessionEnded',
];
/** Current schema version of session events; older ones are upcast on read. */
exports.SESSION_EVENT_SCHEMA_VERSION = 2;
//# sourceMappingURL=session.events.js.map