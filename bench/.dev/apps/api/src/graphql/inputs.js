"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.SetPinnedInput = exports.EndSessionInput = exports.ResolveCheckpointInput = exports.FinishRunInput = exports.AppendRunEventsInput = exports.RunEventInput = exports.StartRunInput = exports.UpdateSessionInput = exports.StartSessionInput = exports.ErrorInput = exports.EnvironmentInput = exports.SubagentInput = exports.SessionSourceInput = exports.PrincipalInput = void 0;
exports.validateInput = validateInput;
const class_transformer_1 = require("class-transformer");
const class_validator_1 = require("class-validator");
const domain_1 = require("../../../../libs/domain/src/index.js");
/**
 * Input validation at the edge, with class-validator. GraphQL has already checked types and
 * enum values; these add formats, lengths and ranges, and every problem is reported with its
 * field path so a person can fix the request.
 */
const SESSION_ID = /^session_[0-9a-f]{32}$/;
const CLIENT_ID = /^[A-Za-z0-9_.:@/-]{1,128}$/;
const sessionIdMessage = { message: 'must be "session_" followed by 32 lowercase hex characters' };
const clientIdMessage = { message: 'must be 1-128 characters of letters, digits and _ . : @ / -' };
class PrincipalInput {
    type;
    id;
    name;
}
exports.PrincipalInput = PrincipalInput;
__decorate([
    (0, class_validator_1.IsIn)(domain_1.PRINCIPAL_TYPES),
    __metadata("design:type", String)
], PrincipalInput.prototype, "type", void 0);
__decorate([
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.Length)(1, 200),
    __metadata("design:type", String)
], PrincipalInput.prototype, "id", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(200),
    __metadata("design:type", Object)
], PrincipalInput.prototype, "name", void 0);
class SessionSourceInput {
    type;
    id;
    reference;
}
exports.SessionSourceInput = SessionSourceInput;
__decorate([
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.Length)(1, 100),
    __metadata("design:type", String)
], SessionSourceInput.prototype, "type", void 0);
__decorate([
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.Length)(1, 500),
    __metadata("design:type", String)
], SessionSourceInput.prototype, "id", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(1000),
    __metadata("design:type", Object)
], SessionSourceInput.prototype, "reference", void 0);
class SubagentInput {
    name;
    task;
}
exports.SubagentInput = SubagentInput;
__decorate([
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.Length)(1, 200),
    __metadata("design:type", String)
], SubagentInput.prototype, "name", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(10_000),
    __metadata("design:type", Object)
], SubagentInput.prototype, "task", void 0);
class EnvironmentInput {
    sandbox;
    profile;
    runtime;
    repo;
    branch;
    surface;
}
exports.EnvironmentInput = EnvironmentInput;
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(500),
    __metadata("design:type", Object)
], EnvironmentInput.prototype, "sandbox", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(500),
    __metadata("design:type", Object)
], EnvironmentInput.prototype, "profile", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(500),
    __metadata("design:type", Object)
], EnvironmentInput.prototype, "runtime", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(1000),
    __metadata("design:type", Object)
], EnvironmentInput.prototype, "repo", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(500),
    __metadata("design:type", Object)
], EnvironmentInput.prototype, "branch", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsIn)(['WEB', 'IDE', 'CLI', 'SCHEDULED', 'API']),
    __metadata("design:type", Object)
], EnvironmentInput.prototype, "surface", void 0);
class ErrorInput {
    code;
    message;
}
exports.ErrorInput = ErrorInput;
__decorate([
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.Length)(1, 200),
    __metadata("design:type", String)
], ErrorInput.prototype, "code", void 0);
__decorate([
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.Length)(1, 10_000),
    __metadata("design:type", String)
], ErrorInput.prototype, "message", void 0);
const Tags = () => (target, key) => {
    (0, class_validator_1.IsOptional)()(target, key);
    (0, class_validator_1.IsArray)()(target, key);
    (0, class_validator_1.ArrayMaxSize)(50)(target, key);
    (0, class_validator_1.IsString)({ each: true })(target, key);
    (0, class_validator_1.Length)(1, 100, { each: true })(target, key);
};
class StartSessionInput {
    idempotencyKey;
    kind;
    accountId;
    title;
    tags;
    owner;
    source;
    initiative;
    flowId;
    model;
    parentSessionId;
    subagent;
    environment;
    totalSteps;
    idleTimeoutSeconds;
    status;
    metadata;
}
exports.StartSessionInput = StartSessionInput;
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.Length)(1, 200),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "idempotencyKey", void 0);
__decorate([
    (0, class_validator_1.IsIn)(domain_1.SESSION_KINDS),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "kind", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.Matches)(CLIENT_ID, clientIdMessage),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "accountId", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(500),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "title", void 0);
__decorate([
    Tags(),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "tags", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.ValidateNested)(),
    (0, class_transformer_1.Type)(() => PrincipalInput),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "owner", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.ValidateNested)(),
    (0, class_transformer_1.Type)(() => SessionSourceInput),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "source", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(200),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "initiative", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(200),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "flowId", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(200),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "model", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.Matches)(SESSION_ID, sessionIdMessage),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "parentSessionId", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.ValidateNested)(),
    (0, class_transformer_1.Type)(() => SubagentInput),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "subagent", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.ValidateNested)(),
    (0, class_transformer_1.Type)(() => EnvironmentInput),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "environment", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(1),
    (0, class_validator_1.Max)(100_000),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "totalSteps", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(1),
    (0, class_validator_1.Max)(30 * 24 * 3600),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "idleTimeoutSeconds", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsIn)(domain_1.SESSION_STATUSES),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "status", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsObject)({ message: 'must be a JSON object' }),
    __metadata("design:type", Object)
], StartSessionInput.prototype, "metadata", void 0);
class UpdateSessionInput {
    sessionId;
    expectedSequence;
    title;
    tags;
    status;
    metadata;
}
exports.UpdateSessionInput = UpdateSessionInput;
__decorate([
    (0, class_validator_1.Matches)(SESSION_ID, sessionIdMessage),
    __metadata("design:type", String)
], UpdateSessionInput.prototype, "sessionId", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(-1),
    __metadata("design:type", Object)
], UpdateSessionInput.prototype, "expectedSequence", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(500),
    __metadata("design:type", Object)
], UpdateSessionInput.prototype, "title", void 0);
__decorate([
    Tags(),
    __metadata("design:type", Object)
], UpdateSessionInput.prototype, "tags", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsIn)(domain_1.SESSION_STATUSES),
    __metadata("design:type", Object)
], UpdateSessionInput.prototype, "status", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsObject)({ message: 'must be a JSON object' }),
    __metadata("design:type", Object)
], UpdateSessionInput.prototype, "metadata", void 0);
class StartRunInput {
    sessionId;
    runId;
    model;
    input;
}
exports.StartRunInput = StartRunInput;
__decorate([
    (0, class_validator_1.Matches)(SESSION_ID, sessionIdMessage),
    __metadata("design:type", String)
], StartRunInput.prototype, "sessionId", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.Matches)(CLIENT_ID, clientIdMessage),
    __metadata("design:type", Object)
], StartRunInput.prototype, "runId", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(200),
    __metadata("design:type", Object)
], StartRunInput.prototype, "model", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    __metadata("design:type", Object)
], StartRunInput.prototype, "input", void 0);
class RunEventInput {
    id;
    type;
    at;
    data;
}
exports.RunEventInput = RunEventInput;
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.Matches)(CLIENT_ID, clientIdMessage),
    __metadata("design:type", Object)
], RunEventInput.prototype, "id", void 0);
__decorate([
    (0, class_validator_1.IsIn)(domain_1.RUN_EVENT_TYPES),
    __metadata("design:type", Object)
], RunEventInput.prototype, "type", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsISO8601)({ strict: true }, { message: 'must be an ISO-8601 date-time' }),
    __metadata("design:type", Object)
], RunEventInput.prototype, "at", void 0);
__decorate([
    (0, class_validator_1.IsObject)({ message: 'must be a JSON object' }),
    __metadata("design:type", Object)
], RunEventInput.prototype, "data", void 0);
class AppendRunEventsInput {
    sessionId;
    runId;
    expectedSequence;
    events;
}
exports.AppendRunEventsInput = AppendRunEventsInput;
__decorate([
    (0, class_validator_1.Matches)(SESSION_ID, sessionIdMessage),
    __metadata("design:type", String)
], AppendRunEventsInput.prototype, "sessionId", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.Matches)(CLIENT_ID, clientIdMessage),
    __metadata("design:type", Object)
], AppendRunEventsInput.prototype, "runId", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(-1),
    __metadata("design:type", Object)
], AppendRunEventsInput.prototype, "expectedSequence", void 0);
__decorate([
    (0, class_validator_1.IsArray)(),
    (0, class_validator_1.ArrayMinSize)(1, { message: 'must hold at least one event' }),
    (0, class_validator_1.ValidateNested)({ each: true }),
    (0, class_transformer_1.Type)(() => RunEventInput),
    __metadata("design:type", Array)
], AppendRunEventsInput.prototype, "events", void 0);
class FinishRunInput {
    sessionId;
    runId;
    status;
    output;
    error;
}
exports.FinishRunInput = FinishRunInput;
__decorate([
    (0, class_validator_1.Matches)(SESSION_ID, sessionIdMessage),
    __metadata("design:type", String)
], FinishRunInput.prototype, "sessionId", void 0);
__decorate([
    (0, class_validator_1.Matches)(CLIENT_ID, clientIdMessage),
    __metadata("design:type", String)
], FinishRunInput.prototype, "runId", void 0);
__decorate([
    (0, class_validator_1.IsIn)(['COMPLETED', 'FAILED', 'CANCELLED'], { message: 'must be COMPLETED, FAILED or CANCELLED' }),
    __metadata("design:type", String)
], FinishRunInput.prototype, "status", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    __metadata("design:type", Object)
], FinishRunInput.prototype, "output", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.ValidateNested)(),
    (0, class_transformer_1.Type)(() => ErrorInput),
    __metadata("design:type", Object)
], FinishRunInput.prototype, "error", void 0);
class ResolveCheckpointInput {
    sessionId;
    runId;
    decision;
    comment;
}
exports.ResolveCheckpointInput = ResolveCheckpointInput;
__decorate([
    (0, class_validator_1.Matches)(SESSION_ID, sessionIdMessage),
    __metadata("design:type", String)
], ResolveCheckpointInput.prototype, "sessionId", void 0);
__decorate([
    (0, class_validator_1.Matches)(CLIENT_ID, clientIdMessage),
    __metadata("design:type", String)
], ResolveCheckpointInput.prototype, "runId", void 0);
__decorate([
    (0, class_validator_1.IsIn)(['APPROVE', 'REJECT']),
    __metadata("design:type", String)
], ResolveCheckpointInput.prototype, "decision", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(10_000),
    __metadata("design:type", Object)
], ResolveCheckpointInput.prototype, "comment", void 0);
class EndSessionInput {
    sessionId;
    status;
    reason;
}
exports.EndSessionInput = EndSessionInput;
__decorate([
    (0, class_validator_1.Matches)(SESSION_ID, sessionIdMessage),
    __metadata("design:type", String)
], EndSessionInput.prototype, "sessionId", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsIn)(['COMPLETED', 'FAILED', 'CANCELLED', 'ENDED'], { message: 'must be COMPLETED, FAILED, CANCELLED or ENDED' }),
    __metadata("design:type", Object)
], EndSessionInput.prototype, "status", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    (0, class_validator_1.MaxLength)(10_000),
    __metadata("design:type", Object)
], EndSessionInput.prototype, "reason", void 0);
class SetPinnedInput {
    sessionId;
    pinned;
}
exports.SetPinnedInput = SetPinnedInput;
__decorate([
    (0, class_validator_1.Matches)(SESSION_ID, sessionIdMessage),
    __metadata("design:type", String)
], SetPinnedInput.prototype, "sessionId", void 0);
__decorate([
    (0, class_validator_1.IsBoolean)(),
    __metadata("design:type", Boolean)
], SetPinnedInput.prototype, "pinned", void 0);
function problemsOf(errors, prefix) {
    return errors.flatMap((error) => {
        const field = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
        const own = Object.values(error.constraints ?? {}).map((message) => ({
            field,
            // class-validator starts messages with the property name; the field path already says it.
            message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
        }));
        return [...own, ...problemsOf(error.children ?? [], field)];
    });
}
/** Validates a GraphQL input object; BAD_USER_INPUT with every problem listed otherwise. */
function validateInput(type, value, name = 'input') {
    const instance = (0, class_transformer_1.plainToInstance)(type, value ?? {});
    const errors = (0, class_validator_1.validateSync)(instance, { forbidUnknownValues: false });
    if (errors.length > 0) {
        const fields = problemsOf(errors, name);
        throw new domain_1.BadUserInputError(fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
    }
    // The client's own values go on, not class-transformer's copies: JSON payloads stay exactly as sent.
    return value;
}
//# sourceMappingURL=inputs.js.map