// The strings normalize.ts compares values with (line.type === 'progress', b.type === 'tool_result',
// speed === 'fast'...) instead of reading them through its placeholder reader: a placeholder standing
// for one of them would equal none. line-extract.c names them by number (1 on, this order) in its
// own list, which test/line-extract.test.ts holds equal to this one; line-reduce.ts parses a line
// whole rather than replace one of them.
export const COMPARED_LITERALS = [
  'progress', 'file-history-snapshot', 'queue-operation', 'summary', 'system', 'user', 'assistant', 'compact_boundary', 'turn_duration', 'agent_progress',
  'tool_use', 'tool_result', 'text', 'fast',
] as const;
