// What a tool call acted on, in one short redacted string: the file for file tools, the command for
// Bash, the URL for WebFetch. Quality signals group by it and spans carry it; inputs themselves
// (file contents, patches) are never kept.
import { redactCut } from '../detection/redact.js';

const MAX = 300;
/** Tools whose target is a file path. */
export const FILE_TOOLS: ReadonlySet<string> = new Set(['Read', 'Edit', 'Write', 'MultiEdit', 'NotebookEdit', 'NotebookRead']);

export function summarizeToolTarget(name: string, input: Record<string, unknown>): string | undefined {
  let v: unknown;
  if (FILE_TOOLS.has(name)) v = input.file_path ?? input.notebook_path ?? input.path;
  else if (name === 'Bash') v = input.command;
  else if (name === 'WebFetch') v = input.url;
  else if (name === 'Task' || name === 'Agent') v = input.subagent_type;
  if (typeof v !== 'string' || v.length === 0) return undefined;
  // Cut first (a 1 MB command must not cost 1 MB of pattern matching), then redact what is kept,
  // looking a margin past the cut so a secret straddling it is still caught.
  return redactCut(v, MAX);
}

export const isFileEdit = (name: string): boolean => name === 'Edit' || name === 'Write' || name === 'MultiEdit' || name === 'NotebookEdit';
