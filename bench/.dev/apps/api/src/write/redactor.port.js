"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.REDACTOR = void 0;
exports.REDACTOR = Symbol('REDACTOR');
//# sourceMappingURL=redactor.port.js.map