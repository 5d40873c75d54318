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
exports.EventStoreDbEventStore = exports.SqliteEventStore = void 0;
__exportStar(require("./event-store.port"), exports);
__exportStar(require("./errors"), exports);
var sqlite_event_store_1 = require("./sqlite-event-store");
Object.defineProperty(exports, "SqliteEventStore", { enumerable: true, get: function () { return sqlite_event_store_1.SqliteEventStore; } });
var eventstoredb_event_store_1 = require("./eventstoredb-event-store");
Object.defineProperty(exports, "EventStoreDbEventStore", { enumerable: true, get: function () { return eventstoredb_event_store_1.EventStoreDbEventStore; } });
//# sourceMappingURL=index.js.map