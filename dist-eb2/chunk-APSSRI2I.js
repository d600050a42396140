import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  redactCut
} from "./chunk-IZPOGKRA.js";

// src/model/tool-target.ts
var MAX = 300;
var FILE_TOOLS = /* @__PURE__ */ new Set(["Read", "Edit", "Write", "MultiEdit", "NotebookEdit", "NotebookRead"]);
function summarizeToolTarget(name, input) {
  let v;
  if (FILE_TOOLS.has(name)) v = input.file_path ?? input.notebook_path ?? input.path;
  else if (name === "Bash") v = input.command;
  else if (name === "WebFetch") v = input.url;
  else if (name === "Task" || name === "Agent") v = input.subagent_type;
  if (typeof v !== "string" || v.length === 0) return void 0;
  return redactCut(v, MAX);
}
var isFileEdit = (name) => name === "Edit" || name === "Write" || name === "MultiEdit" || name === "NotebookEdit";

// src/state/serialized-state.ts
var SerializedState = class {
  constructor(json) {
    this.json = json;
  }
  json;
};

// src/model/agent-type.ts
var AGENT_MAIN = "main";
var AGENT_COMPACT = "compact";
var AGENT_UNKNOWN = "unknown";
var MAX2 = 40;
function agentTypeLabel(raw) {
  const v = raw.trim().toLowerCase().replace(/[^a-z0-9_-]+/g, "_").slice(0, MAX2);
  return v.replace(/_/g, "") ? v : AGENT_UNKNOWN;
}
var isCompactionAgent = (agentId) => agentId.startsWith("acompact");
var isAgentTool = (name) => name === "Task" || name === "Agent";

export {
  FILE_TOOLS,
  summarizeToolTarget,
  isFileEdit,
  AGENT_MAIN,
  AGENT_COMPACT,
  AGENT_UNKNOWN,
  agentTypeLabel,
  isCompactionAgent,
  isAgentTool,
  SerializedState
};
