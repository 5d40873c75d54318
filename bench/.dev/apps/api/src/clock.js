"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.systemClock = exports.CLOCK = void 0;
exports.CLOCK = Symbol('CLOCK');
const systemClock = () => new Date();
exports.systemClock = systemClock;
//# sourceMappingURL=clock.js.map