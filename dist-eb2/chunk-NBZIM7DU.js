import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/cli/durations.ts
var UNITS = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 };
function parseDuration(v, flag) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v.trim());
  if (!m) throw new UserError(`${flag} expects a duration such as 30s, 5m or 2h (got "${v}")`);
  return Number(m[1]) * UNITS[m[2]];
}

export {
  parseDuration
};
