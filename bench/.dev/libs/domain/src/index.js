"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
__exportStar(require("./errors"), exports);
__exportStar(require("./ids"), exports);
__exportStar(require("./principal"), exports);
__exportStar(require("./usage"), exports);
__exportStar(require("./session/session.status"), exports);
__exportStar(require("./session/run-event-data"), exports);
__exportStar(require("./session/session.events"), exports);
__exportStar(require("./session/session.commands"), exports);
__exportStar(require("./session/session.decider"), exports);
__exportStar(require("./session/session.views"), exports);
__exportStar(require("./session/session.codec"), exports);
__exportStar(require("./pins/pins"), exports);
//# sourceMappingURL=index.js.map