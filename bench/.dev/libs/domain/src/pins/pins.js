"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.evolvePins = evolvePins;
exports.decidePins = decidePins;
function evolvePins(state, event) {
    const next = new Set(state);
    switch (event.type) {
        case 'SessionPinned':
            next.add(event.data.sessionId);
            return next;
        case 'SessionUnpinned':
            next.delete(event.data.sessionId);
            return next;
        default: {
            const _never = event;
            return _never;
        }
    }
}
/** Setting a pin to what it already is appends nothing. */
function decidePins(command, state) {
    if (state.has(command.sessionId) === command.pinned)
        return [];
    const data = { sessionId: command.sessionId, principal: command.actor.principal };
    return [command.pinned
            ? { type: 'SessionPinned', id: command.eventId, at: command.at, data }
            : { type: 'SessionUnpinned', id: command.eventId, at: command.at, data }];
}
//# sourceMappingURL=pins.js.map