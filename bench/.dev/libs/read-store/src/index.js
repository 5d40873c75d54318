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
exports.MongoReadCollection = exports.MongoReadStore = exports.MemoryReadCollection = exports.MemoryReadStore = void 0;
__exportStar(require("./read-store.port"), exports);
__exportStar(require("./errors"), exports);
var memory_read_store_1 = require("./memory-read-store");
Object.defineProperty(exports, "MemoryReadStore", { enumerable: true, get: function () { return memory_read_store_1.MemoryReadStore; } });
Object.defineProperty(exports, "MemoryReadCollection", { enumerable: true, get: function () { return memory_read_store_1.MemoryReadCollection; } });
var mongo_read_store_1 = require("./mongo-read-store");
Object.defineProperty(exports, "MongoReadStore", { enumerable: true, get: function () { return mongo_read_store_1.MongoReadStore; } });
Object.defineProperty(exports, "MongoReadCollection", { enumerable: true, get: function () { return mongo_read_store_1.MongoReadCollection; } });
// The contract suite (read-store.contract.ts) uses jest globals, so it is imported by spec files
// directly and kept out of this entry point and the production build.
//# sourceMappingURL=index.js.map