// Attribute names: OpenTelemetry GenAI semantic conventions where they exist, `ccotel.*` for what
// they lack. Tool inputs are reduced to one redacted target; file contents, patches and tool output
// are never attached.
import type { AttrValue } from './span-data.js';
import { FILE_TOOLS } from '../../model/tool-target.js';
import { redactSecrets } from '../../detection/redact.js';
import type { Usage } from '../../model/events.js';

export const GENAI_PROVIDER = 'anthropic';

export function toolAttributes(name: string, id: string, sessionId: string, target: string | undefined, input: Record<string, unknown>): Record<string, AttrValue> {
  const a: Record<string, AttrValue> = {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': name,
    'gen_ai.tool.call.id': id,
    'gen_ai.tool.type': 'function',
    'gen_ai.conversation.id': sessionId,
  };
  if (target !== undefined) {
    if (FILE_TOOLS.has(name)) a['ccotel.file.path'] = target;
    else if (name === 'Bash') a['ccotel.bash.command'] = target;
    else if (name === 'WebFetch') a['url.full'] = target;
  }
  if (name === 'Task' || name === 'Agent') {
    const type = input.subagent_type;
    // The model writes subagent_type: redacted like the target it also is (tool-target.ts).
    a['gen_ai.agent.name'] = typeof type === 'string' && type ? redactSecrets(type) : 'subagent';
  }
  return a;
}

/**
 * Token attributes of a chat span (or a session's sum). The GenAI conventions define
 * gen_ai.usage.input_tokens as ALL input tokens, cached ones included; the two cache attributes say
 * how much of it was read from or written to the cache. ccotel.usage.input_tokens.uncached is the rest.
 */
export function usageAttributes(u: Pick<Usage, 'input' | 'output' | 'cacheRead' | 'cacheCreation'>, into: Record<string, AttrValue> = {}): Record<string, AttrValue> {
  // Added to `into` (a chat span's attributes), not spread from a new object: one object less a call.
  into['gen_ai.usage.input_tokens'] = u.input + u.cacheRead + u.cacheCreation;
  into['gen_ai.usage.output_tokens'] = u.output;
  into['gen_ai.usage.cache_read.input_tokens'] = u.cacheRead;
  into['gen_ai.usage.cache_creation.input_tokens'] = u.cacheCreation;
  into['ccotel.usage.input_tokens.uncached'] = u.input;
  return into;
}
