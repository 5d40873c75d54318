"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.timelineCommand = timelineCommand;
const errors_1 = require("../errors");
const timeline_follower_1 = require("../timeline-follower");
const timeline_format_1 = require("../timeline-format");
const PAGE_SIZE = 500;
const TIMELINE_QUERY = /* GraphQL */ `
  query Timeline($sessionId: ID!, $after: Int, $first: Int, $types: [String!]) {
    timeline(sessionId: $sessionId, after: $after, first: $first, types: $types) {
      events { ${timeline_format_1.TIMELINE_EVENT_FIELDS} }
      lastSequence
      hasMore
    }
  }
`;
const TIMELINE_SUBSCRIPTION = /* GraphQL */ `
  subscription FollowTimeline($sessionId: ID!, $after: Int, $types: [String!]) {
    timeline(sessionId: $sessionId, after: $after, types: $types) { ${timeline_format_1.TIMELINE_EVENT_FIELDS} }
  }
`;
/**
 * Prints the session's timeline from the event store (the timeline query, page by page), then
 * with --follow keeps printing through the timeline subscription from the last sequence
 * printed, resuming from there after every disconnect. Returns the exit code.
 */
async function timelineCommand(client, options, terminal) {
    const print = (event) => terminal.out(options.json ? (0, timeline_format_1.formatTimelineJson)(event) : (0, timeline_format_1.formatTimelineLine)(event, terminal.width));
    let cursor = options.after;
    let last = options.after;
    let printed = 0;
    for (;;) {
        const { timeline } = await client.request(TIMELINE_QUERY, { sessionId: options.sessionId, after: cursor, first: PAGE_SIZE, types: options.types }, { retry: true });
        for (const event of timeline.events) {
            if (event.sequence <= last)
                continue;
            print(event);
            last = event.sequence;
            printed += 1;
        }
        if (!timeline.hasMore || timeline.lastSequence <= cursor)
            break;
        cursor = timeline.lastSequence;
    }
    if (printed === 0)
        await requireSession(client, options.sessionId);
    if (!options.follow)
        return 0;
    const follower = new timeline_follower_1.TimelineFollower({
        after: last,
        open: (after, sink) => client.subscribe(TIMELINE_SUBSCRIPTION, { sessionId: options.sessionId, after, types: options.types }, { connected: sink.connected, next: (data) => sink.next(data.timeline), end: sink.end }),
        print,
        onReconnect: ({ delayMs, after, reason }) => terminal.err(`timeline: ${reason}; reconnecting in ${(delayMs / 1000).toFixed(1)} s, resuming after sequence ${after}`),
    });
    terminal.err(`following ${options.sessionId} after sequence ${last} (Ctrl-C to stop)`);
    const removeHandler = terminal.onInterrupt(() => follower.stop());
    try {
        const result = await follower.run();
        if (result.how === 'completed')
            terminal.err(`timeline: the server ended the subscription after sequence ${result.lastSequence}`);
        return 0;
    }
    finally {
        removeHandler();
    }
}
/** An empty timeline is either a quiet filter or a session that is not there: say which. */
async function requireSession(client, sessionId) {
    const { session } = await client.request('query Session($id: ID!) { session(id: $id) { id } }', { id: sessionId }, { retry: true });
    if (!session)
        throw new errors_1.ApiError('NOT_FOUND', `no session ${sessionId} in this key's organization`);
}
//# sourceMappingURL=timeline.js.map