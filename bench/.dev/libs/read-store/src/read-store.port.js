"use strict";
/**
 * The ReadStore port: collections queried and updated in MongoDB's own language, so the same
 * filters, update documents and pipelines go to MongoDB in production and to mingo in the
 * embedded store.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.READ_STORE = void 0;
exports.READ_STORE = Symbol('READ_STORE');
//# sourceMappingURL=read-store.port.js.map