/**
 * The served schema: the public contract (../shared/contract/schema.graphql) verbatim, then what
 * this server adds. The contract is never edited here; a test checks every part of it is served.
 */
export const CONTRACT_SDL = /* GraphQL */ `
# Agent Ledger: public GraphQL contract, version 1.
#
# This is the API that clients, dashboards and agent runtimes build against.
# The server may ADD types, fields, arguments and enum values. It must not
# rename, remove or change the meaning of anything below without a note on
# the issue that changed it. A test in the project checks that the served
# schema still contains every part of this file.
#
# Transport: GraphQL over HTTP at POST /graphql, subscriptions over WebSocket
# at /graphql with the graphql-ws protocol (subprotocol "graphql-transport-ws").
# Auth: HTTP header "Authorization: Bearer <api key>"; for WebSocket, the
# same string in connection_init payload {"authorization": "Bearer <key>"}.
# Every credential belongs to exactly one organization (tenant); nothing of
# another organization is ever visible or writable through it.
#
# Errors: every error carries extensions.code, one of
#   UNAUTHENTICATED   no or unknown credential
#   FORBIDDEN         the credential's role may not do this
#   BAD_USER_INPUT    validation failed; extensions.fields lists what and why
#   NOT_FOUND         no such session/run in the caller's organization
#   CONFLICT          expectedSequence did not match, or a transition that
#                     the state machine does not allow (extensions.current)
#   SESSION_ENDED     the session has ended; nothing more can be appended
#   PAYLOAD_TOO_LARGE an event, a batch or a request is over its limit
#   RATE_LIMITED      too many requests; extensions.retryAfterMs
#   UNAVAILABLE       a store is unreachable; safe to retry with the same ids
#   INTERNAL          anything else (never leaks stack traces)

scalar DateTime # ISO-8601, UTC, millisecond precision
scalar JSON

# ---------------------------------------------------------------- kinds, states

enum SessionKind {
  CHAT            # a conversation with an agent
  FLOW_RUN        # one run of a flow: steps, checkpoints
  BACKGROUND_TASK # long work that proceeds without anyone watching
  RUNTIME         # an enrolled runtime's activity window (desktop/CLI agent)
}

enum SessionStatus {
  PENDING       # flow run created, nothing ran yet
  QUEUED        # background task waiting for a worker
  PROVISIONING  # background task acquiring a sandbox
  RUNNING
  WAITING       # waiting on input
  PAUSED        # paused at a checkpoint, waiting for approval
  BLOCKED       # cannot proceed
  OPEN          # chat or runtime open; recent activity decides if it is active
  COMPLETED
  FAILED
  REJECTED      # a checkpoint was rejected
  CANCELLED
  ENDED         # ended by its owner or an operator
  TIMED_OUT     # ended by the idle timeout
}

# How a row reads at a glance.
#   ACTIVE    PENDING QUEUED PROVISIONING RUNNING, or OPEN with recent activity
#   ATTENTION WAITING PAUSED BLOCKED
#   SUCCESS   COMPLETED ENDED CANCELLED
#   PROBLEM   FAILED REJECTED TIMED_OUT
#   IDLE      OPEN without recent activity
enum StatusGroup {
  ACTIVE
  ATTENTION
  SUCCESS
  PROBLEM
  IDLE
}

enum RunStatus {
  QUEUED
  RUNNING
  WAITING   # paused at a checkpoint
  COMPLETED
  FAILED
  CANCELLED
}

enum PrincipalType {
  USER
  MANAGED_AGENT # the durable identity of an enrolled runtime
  SERVICE
  FLOW
}

enum Surface {
  WEB
  IDE
  CLI
  SCHEDULED
  API
}

# What a run event is. Each type's \`data\` has its own shape; the shapes are
# listed in DESIGN.md and validated on append (BAD_USER_INPUT otherwise).
enum RunEventType {
  MESSAGE           # {role: user|assistant|system|tool, text}
  REASONING_SUMMARY # {text}
  OUTPUT_DELTA      # {text}
  TOOL_CALL         # {toolCallId, name, arguments}
  TOOL_RESULT       # {toolCallId, status: succeeded|failed, output?, durationMs?}
  FILE_EDIT         # {path, before?, after?}
  COMMAND           # {command, language?, exitCode?, durationMs?, stdout?, stderr?}
  STEP              # {index, total?, name?}
  CHECKPOINT        # {name, reason?}: the run and session now wait for approval
  MODEL_USAGE       # {model, inputTokens, outputTokens, cacheReadTokens?,
  #                    cacheWriteTokens?, reasoningTokens?, costUsd?, latencyMs?,
  #                    requestId?}
  STATUS            # {status: SessionStatus}: the runtime reports a new status
  ERROR             # {code, message}
  LOG               # {level?, message}
}

enum UsageDimension {
  ACCOUNT
  FLOW
  MODEL
  PRINCIPAL
  SESSION
  DAY
  HOUR
}

enum CommandCenterSection {
  ACTIVE_NOW
  RECENT  # finished or went quiet within the last 24 hours
  GONE    # no longer in either section
}

enum CheckpointDecision {
  APPROVE
  REJECT
}

enum ProjectionState {
  LIVE
  CATCHING_UP
  REBUILDING
  FAILED
}

# ---------------------------------------------------------------- read types

type Principal {
  type: PrincipalType!
  id: ID!
  name: String
}

type SessionSource {
  type: String!      # e.g. "openclaw", "flow", "chat-ui", "scheduler"
  id: String!        # the source's own identity for this session
  reference: String  # human-meaningful or runtime-native reference
}

type Subagent {
  name: String!
  task: String
}

type Environment {
  sandbox: String
  profile: String
  runtime: String
  repo: String
  branch: String
  surface: Surface
}

type Progress {
  current: Int!
  total: Int    # known for flow runs with a known number of steps
  unit: String! # "steps" | "turns" | "messages" | "commands"
  label: String! # "Step 2 of 5", "12 turns", "8 messages"
}

type ErrorInfo {
  code: String!
  message: String!
  at: DateTime!
}

type TokenUsage {
  requests: Float!
  inputTokens: Float!
  outputTokens: Float!
  cacheReadTokens: Float!
  cacheWriteTokens: Float!
  reasoningTokens: Float!
  totalTokens: Float!
  costUsd: Float!
  unpricedRequests: Float! # requests with no reported cost and no price for their model
}

type Session {
  id: ID!               # "session_" + 32 lowercase hex
  accountId: ID!        # billing account inside the organization (default: the organization)
  kind: SessionKind!
  status: SessionStatus!
  statusGroup: StatusGroup!
  active: Boolean!      # computed at read time, see DESIGN.md "Active"
  title: String
  tags: [String!]!
  owner: Principal!
  source: SessionSource
  initiative: String    # the initiative or plan the session is tied to
  flowId: String
  model: String
  parentSessionId: ID
  subagent: Subagent
  children: [Session!]! # subagent sessions spawned by this one
  environment: Environment
  progress: Progress!
  preview: String       # first user message, at most 200 characters
  outputPreview: String # last assistant output, at most 200 characters
  lastError: ErrorInfo
  usage: TokenUsage!
  runs(first: Int = 50, after: String): RunConnection!
  createdAt: DateTime!
  lastActivityAt: DateTime!
  endedAt: DateTime
  endedBy: Principal
  endReason: String
  idleTimeoutSeconds: Int # RUNTIME sessions: ended as TIMED_OUT after this long without activity
  metadata: JSON          # what the client gave at start or update, after redaction
  sequence: Int!          # sequence of the last event of this session's timeline
}

type Run {
  id: ID!                 # "run_" + 32 lowercase hex
  sessionId: ID!
  status: RunStatus!
  model: String
  input: JSON
  output: JSON
  error: ErrorInfo
  usage: TokenUsage!
  eventCount: Int!
  toolCalls: [ToolCall!]!
  startedAt: DateTime!
  finishedAt: DateTime
}

type ToolCall {
  id: ID!
  runId: ID!
  name: String!
  status: String! # running | succeeded | failed
  arguments: JSON
  outputPreview: String
  startedAt: DateTime!
  finishedAt: DateTime
  durationMs: Float
}

type TimelineEvent {
  sessionId: ID!
  sequence: Int!    # 0-based, gap-free within a session
  position: String! # global position in the event store, opaque
  id: ID!           # event id (the client's id when it gave one)
  type: String!     # a RunEventType name, or a lifecycle type such as "SessionStarted"
  runId: ID
  at: DateTime!
  recordedAt: DateTime!
  actor: Principal!
  data: JSON!       # after credential redaction
}

type PageInfo {
  hasNextPage: Boolean!
  endCursor: String
}

type SessionEdge {
  cursor: String!
  node: Session!
}

type SessionConnection {
  edges: [SessionEdge!]!
  pageInfo: PageInfo!
  totalCount: Int!
}

type RunEdge {
  cursor: String!
  node: Run!
}

type RunConnection {
  edges: [RunEdge!]!
  pageInfo: PageInfo!
}

type TimelineConnection {
  events: [TimelineEvent!]!
  lastSequence: Int! # sequence of the last event returned (or \`after\` when none): the next page's \`after\`
  hasMore: Boolean!
}

type CommandCenterCounts {
  active: Int!
  attention: Int!
  recent: Int!
}

type CommandCenter {
  activeNow: [Session!]! # active sessions, most recent activity first
  recent: [Session!]!    # not active, last activity within 24 hours, most recent first
  counts: CommandCenterCounts!
  generatedAt: DateTime!
}

type CommandCenterChange {
  section: CommandCenterSection!
  session: Session!
  at: DateTime!
}

type UsageRow {
  accountId: ID
  flowId: String
  model: String
  principal: Principal
  sessionId: ID
  bucketStart: DateTime # with DAY or HOUR
  usage: TokenUsage!
}

type ManagedAgent {
  principal: Principal!
  sessionCount: Int!
  activeSession: Session
  lastActivityAt: DateTime
  usage: TokenUsage!
}

type ManagedAgentConnection {
  edges: [ManagedAgentEdge!]!
  pageInfo: PageInfo!
}

type ManagedAgentEdge {
  cursor: String!
  node: ManagedAgent!
}

type ProjectionStatus {
  name: String!
  version: Int!
  state: ProjectionState!
  checkpoint: String       # global position of the last event applied
  processedEvents: Float!
  lagEvents: Float!        # events in the store not yet applied
  lagMs: Float             # age of the oldest unapplied event
  rebuildProgress: Float   # 0..1 while REBUILDING
  eventsPerSecond: Float
}

type ProjectionVerification {
  name: String!
  matches: Boolean!
  liveDigest: String!
  rebuiltDigest: String!
  documents: Int!
  differences: [String!]! # ids of documents that differ, at most 100
}

# ---------------------------------------------------------------- inputs

input PrincipalInput {
  type: PrincipalType!
  id: ID!
  name: String
}

input SessionSourceInput {
  type: String!
  id: String!
  reference: String
}

input SubagentInput {
  name: String!
  task: String
}

input EnvironmentInput {
  sandbox: String
  profile: String
  runtime: String
  repo: String
  branch: String
  surface: Surface
}

input ErrorInput {
  code: String!
  message: String!
}

input StartSessionInput {
  idempotencyKey: String # the same key returns the same session, with no new event
  # A source (type, id) is unique in an organization: starting again with the
  # same source returns the existing session and appends nothing.
  kind: SessionKind!
  accountId: ID
  title: String
  tags: [String!]
  owner: PrincipalInput  # default: the caller's principal
  source: SessionSourceInput
  initiative: String
  flowId: String
  model: String
  parentSessionId: ID    # spawn as a subagent of this session
  subagent: SubagentInput
  environment: EnvironmentInput
  totalSteps: Int        # FLOW_RUN
  idleTimeoutSeconds: Int # RUNTIME; default 1800
  status: SessionStatus  # initial; default by kind: FLOW_RUN PENDING,
                         # BACKGROUND_TASK QUEUED, CHAT OPEN, RUNTIME OPEN
  metadata: JSON
}

input UpdateSessionInput {
  sessionId: ID!
  expectedSequence: Int
  title: String
  tags: [String!]
  status: SessionStatus # non-terminal statuses only; terminal ones go through endSession
  metadata: JSON
}

input StartRunInput {
  sessionId: ID!
  runId: ID     # client-chosen id makes the call idempotent
  model: String
  input: JSON
}

input RunEventInput {
  id: ID        # client-chosen UUID: a retried event with the same id is stored once
  type: RunEventType!
  at: DateTime  # when it happened at the source; default: now
  data: JSON!
}

input AppendRunEventsInput {
  sessionId: ID!
  runId: ID               # omit for session-level events (STATUS, MODEL_USAGE from a gateway, LOG)
  expectedSequence: Int   # optimistic concurrency: the session's current last sequence
  events: [RunEventInput!]! # 1..500 events
}

input FinishRunInput {
  sessionId: ID!
  runId: ID!
  status: RunStatus! # COMPLETED, FAILED or CANCELLED
  output: JSON
  error: ErrorInput
}

input ResolveCheckpointInput {
  sessionId: ID!
  runId: ID!
  decision: CheckpointDecision!
  comment: String
}

input EndSessionInput {
  sessionId: ID!
  status: SessionStatus # COMPLETED, FAILED, CANCELLED or ENDED (default ENDED)
  reason: String
}

input SetPinnedInput {
  sessionId: ID!
  pinned: Boolean!
}

input SessionFilter {
  kinds: [SessionKind!]
  statuses: [SessionStatus!]
  statusGroups: [StatusGroup!]
  ownerIds: [ID!]
  accountIds: [ID!]
  initiative: String
  flowId: String
  tags: [String!]         # all of them
  parentSessionId: ID
  activeOnly: Boolean
  pinnedOnly: Boolean     # pinned by the caller
  search: String          # in title, preview and source reference
  metadata: JSON          # every top-level key given must equal the session's metadata value
  lastActivityAfter: DateTime
}

input UsageFilter {
  from: DateTime!
  to: DateTime!
  accountIds: [ID!]
  flowIds: [String!]
  models: [String!]
  principalIds: [ID!]
  sessionIds: [ID!]
}

# ---------------------------------------------------------------- operations

type AppendResult {
  sessionId: ID!
  runId: ID
  firstSequence: Int!
  lastSequence: Int!
  position: String!
  deduplicated: Int! # how many of the events were already stored (same ids)
}

type Query {
  session(id: ID!): Session
  # Active first, then by last activity, newest first.
  sessions(filter: SessionFilter, first: Int = 50, after: String): SessionConnection!
  commandCenter(filter: SessionFilter, limit: Int = 100): CommandCenter!
  run(id: ID!): Run
  # Read from the event store itself, never from a projection.
  timeline(sessionId: ID!, after: Int = -1, first: Int = 100, types: [String!], runId: ID): TimelineConnection!
  # The session as it stood after \`sequence\` (or at time \`at\`), replayed from its events.
  sessionAsOf(id: ID!, sequence: Int, at: DateTime): Session
  usage(filter: UsageFilter!, groupBy: [UsageDimension!]!): [UsageRow!]!
  managedAgents(first: Int = 50, after: String): ManagedAgentConnection!
  projections: [ProjectionStatus!]!
}

type Mutation {
  startSession(input: StartSessionInput!): Session!
  updateSession(input: UpdateSessionInput!): Session!
  startRun(input: StartRunInput!): Run!
  appendRunEvents(input: AppendRunEventsInput!): AppendResult!
  finishRun(input: FinishRunInput!): Run!
  resolveCheckpoint(input: ResolveCheckpointInput!): Run!
  endSession(input: EndSessionInput!): Session!
  setPinned(input: SetPinnedInput!): Session!
  # ADMIN: builds a new version beside the live one and swaps when caught up.
  rebuildProjection(name: String!): ProjectionStatus!
  # ADMIN: rebuilds into scratch space and compares with the live read model.
  verifyProjection(name: String!): ProjectionVerification!
}

type Subscription {
  # Every change to what commandCenter(filter) would return, including a
  # session going quiet (ACTIVE_NOW -> RECENT) and ageing out (-> GONE).
  commandCenter(filter: SessionFilter): CommandCenterChange!
  sessionChanged(id: ID!): Session!
  # Replays every event after \`after\`, then stays live: no gaps, no duplicates,
  # in sequence order, resumable from the last sequence a client saw.
  timeline(sessionId: ID!, after: Int = -1, types: [String!]): TimelineEvent!
}
`;

/** Additions to the contract: new fields and types only, nothing renamed or removed. */
export const EXTENSIONS_SDL = /* GraphQL */ `
# Where each request's cost came from, frozen in its MODEL_USAGE event when it was stored (the
# timeline shows it as data.pricing, with the unit prices and, for PRICE_TABLE, the table's
# version). With unpricedRequests these add up to requests.
extend type TokenUsage {
  "REPORTED: the reporter's own costUsd."
  reportedCostRequests: Float!
  "CONFIGURED: the operator's LEDGER_MODEL_PRICES."
  configuredCostRequests: Float!
  "PRICE_TABLE: the maintained price table (@pydantic/genai-prices)."
  priceTableCostRequests: Float!
}

enum CostSource {
  REPORTED
  CONFIGURED
  PRICE_TABLE
  UNPRICED
}

type Pricing {
  costUsd: Float!
  source: CostSource!
  "PRICE_TABLE: the table and its version, e.g. @pydantic/genai-prices@0.1.8."
  table: String
  "PRICE_TABLE: the table's model the reported model matched, and its provider."
  pricedModel: String
  provider: String
  "USD per million tokens (inputPerMTok, outputPerMTok, cacheReadPerMTok, cacheWritePerMTok) as used."
  unitPrices: JSON
}

extend type Run {
  "The agent that ran it: StartRunInput.agentName, or gen_ai.agent.name from OpenTelemetry."
  agentName: String
}

extend input StartRunInput {
  agentName: String
}

extend type TimelineEvent {
  "MODEL_USAGE: the cost as fixed when the event was stored; null for other types."
  pricing: Pricing
}

extend type Query {
  "The calling key's organization, principal and roles."
  whoami: Caller!
}

type Caller {
  organizationId: ID!
  principal: Principal!
  roles: [String!]!
}
`;

export const TYPE_DEFS = [CONTRACT_SDL, EXTENSIONS_SDL];
