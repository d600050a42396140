// The event model every sink consumes. Sources turn transcript lines into these; nothing downstream
// looks at raw JSON. Times are epoch milliseconds from the transcript, never the time we read them.

/** Where an event came from: the session it belongs to and, inside it, the subagent (if any). */
export interface EventContext {
  sessionId: string;
  /** Project working directory as written in the line's `cwd` (never decoded from the folder name). */
  cwd: string;
  gitBranch?: string;
  version?: string;
  /** Set for lines of a subagent transcript (`isSidechain` + `agentId`). */
  agentId?: string;
}

export interface Usage {
  input: number;
  output: number;
  /** Cache-write tokens. When the 5m/1h split is present this is their sum (as ccusage counts it). */
  cacheCreation: number;
  /** 1-hour cache writes (priced at 2x input); 0 when the split is absent. */
  cacheCreation1h: number;
  /** True when `usage.cache_creation` gave a 5m/1h split. */
  cacheSplit: boolean;
  cacheRead: number;
  /** `speed: "fast"` requests are billed at the model's fast multiplier. */
  fast: boolean;
}

export interface PromptEvent {
  kind: 'prompt';
  ctx: EventContext;
  ts: number;
  uuid: string;
  /** Characters of prompt text: the text itself is never exported by default. */
  chars: number;
  /**
   * The prompt's text, redacted and cut (only when the reader was asked for text: the sessions
   * index). Stays on this machine: no exporter reads it.
   */
  text?: string;
}

/**
 * Text the assistant wrote in one transcript line (text blocks only, not thinking or tool calls),
 * redacted and cut. Produced only for the sessions index; no exporter reads it.
 */
export interface AssistantTextEvent {
  kind: 'assistant_text';
  ctx: EventContext;
  ts: number;
  /** The line's uuid: one assistant message is spread over several lines. */
  uuid: string;
  text: string;
}

/** One copy of an API response. Streaming writes several per response; sinks keep the largest. */
export interface ModelCallEvent {
  kind: 'model_call';
  ctx: EventContext;
  ts: number;
  /** Dedup key: `message.id:requestId` (or `message.id` alone). */
  key: string;
  messageId: string;
  requestId?: string;
  model: string;
  usage: Usage;
  stopReason?: string;
  /** `<synthetic>` or `isApiErrorMessage`: free, and an API error. */
  apiError: boolean;
  errorText?: string;
  /** An agent_progress copy: the Task call that started the subagent (its `subagent_type` names the agent). */
  parentToolUseId?: string;
}

export interface ToolUseEvent {
  kind: 'tool_use';
  ctx: EventContext;
  ts: number;
  id: string;
  name: string;
  /** Key of the model call that asked for the tool. */
  callKey: string;
  input: Record<string, unknown>;
}

export interface ToolResultEvent {
  kind: 'tool_result';
  ctx: EventContext;
  ts: number;
  toolUseId: string;
  isError: boolean;
  /** Size in characters of the result content. */
  resultChars: number;
  /** For Task calls: the subagent that ran (`toolUseResult.agentId`). */
  agentId?: string;
  /** First line of the error text, for failing-command signals. */
  errorText?: string;
  /** The start of the result's text, redacted (sessions index, `--all-text`); never exported. */
  text?: string;
}

export interface CompactionEvent {
  kind: 'compaction';
  ctx: EventContext;
  ts: number;
  trigger?: string;
  preTokens?: number;
}

export interface TurnEndEvent {
  kind: 'turn_end';
  ctx: EventContext;
  ts: number;
  durationMs?: number;
}

/** A tool event from a Claude Code hook (PreToolUse, PostToolUse, PostToolUseFailure). */
export interface HookToolInfo {
  phase: 'pre' | 'post' | 'failure';
  /** `tool_use_id`: the same id as the transcript's tool_use block. */
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** Characters of the serialized `tool_input` and `tool_response` (for estimates). */
  inputChars: number;
  resultChars?: number;
  /** PostToolUseFailure's `error` (first line). */
  errorText?: string;
  interrupt?: boolean;
}

/**
 * One hook payload from the spool (docs/hooks.md). Times are when the hook ran (the spool file's
 * name), which for tools is the real start and end of the call.
 */
export interface HookEvent {
  kind: 'hook';
  ctx: EventContext;
  ts: number;
  /** The spool file's name: the event's stable id. */
  id: string;
  /** `hook_event_name` (PreToolUse, Notification, ...). */
  event: string;
  /**
   * The payload's `transcript_path` exists on this machine: exact numbers (prompts, usage) come from
   * the transcript, so the hook adds no estimate and no prompt of its own.
   */
  transcript: boolean;
  tool?: HookToolInfo;
  /** Characters of the prompt (UserPromptSubmit); the text itself is never kept. */
  promptChars?: number;
  /** Small, label-like details: notification type, compaction trigger, session source or end reason, agent type. */
  detail: Record<string, string>;
}

export type ModelEvent =
  | PromptEvent
  | AssistantTextEvent
  | ModelCallEvent
  | ToolUseEvent
  | ToolResultEvent
  | CompactionEvent
  | TurnEndEvent
  | HookEvent;
