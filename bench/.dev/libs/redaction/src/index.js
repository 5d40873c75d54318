"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RedactionError = exports.Redactor = void 0;
var redactor_1 = require("./redactor");
Object.defineProperty(exports, "Redactor", { enumerable: true, get: function () { return redactor_1.Redactor; } });
var finding_1 = require("./finding");
Object.defineProperty(exports, "RedactionError", { enumerable: true, get: function () { return finding_1.RedactionError; } });
//# sourceMappingURL=index.js.map