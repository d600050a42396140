// The line extractor behind model/line-extract.ts, compiled to WebAssembly by scripts/build-wasm.ts
// (clang-14, wasm32, SIMD) into line-extract-wasm.ts. It validates a whole transcript line as JSON,
// exactly as JSON.parse does (strings, escapes, numbers, literals, structure, nothing after the
// value), and records, in document order, the values at the paths normalize.ts reads: a node per
// value with its parent, its key, its type and its byte span (numbers: their value when exact). The
// caller builds from them a skeleton of the line (only those paths, long strings as placeholders)
// that normalizeLine turns into the same events as it does JSON.parse's whole value.
//
// It gives up (a negative result: the caller parses the line as before) on anything it does not
// read exactly: invalid JSON (JSON.parse then gives its own message), nesting deeper than MAX_DEPTH,
// more than MAX_NODES nodes, a key with a backslash in an object it reads keys of, and a \u0000
// escape (placeholders start with that character).
#include <stdint.h>
#include <wasm_simd128.h>

typedef uint8_t u8;
typedef int32_t i32;
typedef uint32_t u32;

#define MAX_DEPTH 48
#define MAX_NODES 4096

// Node i: parent node (-1 for the root), key id << 8 | flags << 4 | type, start, end (offsets in
// the line; strings with their quotes, containers with their brackets). Numbers: value in nums[i].
static i32 nodes[MAX_NODES * 4];
static double nums[MAX_NODES];

enum { T_STRING = 1, T_NUMBER = 2, T_TRUE = 3, T_FALSE = 4, T_NULL = 5, T_OBJECT = 6, T_ARRAY = 7 };
// String: holds a backslash. Number: nums[i] is its value (a plain integer of at most 15 digits).
#define F_ESCAPED 16
#define F_EXACT 16

// Objects whose keys are read (0: none), and arrays whose elements are.
enum { C_NONE, C_ROOT, C_COMPACT, C_TUR, C_MSG, C_USAGE, C_SPLIT, C_DATA, C_COPY, C_BLOCK, C_CONTENT };

// Key ids: the order of KEYS in line-extract.ts.
enum {
  K_type, K_timestamp, K_sessionId, K_cwd, K_gitBranch, K_version, K_isSidechain, K_agentId, K_subtype, K_compactMetadata,
  K_durationMs, K_message, K_requestId, K_isApiErrorMessage, K_uuid, K_toolUseResult, K_isMeta, K_isCompactSummary, K_data,
  K_parentToolUseID, K_usage, K_id, K_model, K_stop_reason, K_content, K_cache_creation, K_input_tokens, K_output_tokens,
  K_cache_creation_input_tokens, K_cache_read_input_tokens, K_speed, K_ephemeral_5m_input_tokens, K_ephemeral_1h_input_tokens,
  K_trigger, K_preTokens, K_name, K_input, K_tool_use_id, K_is_error, K_text,
};

// 1 when the last extract saw a \u escape above U+007F (see line-reduce.ts's `wide`).
static i32 wide;

i32 nodes_at(void) { return (i32)(uintptr_t)nodes; }
i32 nums_at(void) { return (i32)(uintptr_t)nums; }
i32 wide_seen(void) { return wide; }
extern u8 __heap_base;
i32 heap_at(void) { return (i32)(uintptr_t)&__heap_base; }

static int eq(const u8 *p, const char *s, int n) {
  for (int i = 0; i < n; i++)
    if (p[i] != (u8)s[i]) return 0;
  return 1;
}
#define IS(s) (n == sizeof(s) - 1 && eq(p, s, n))

// The id of key p[0, n) in an object of kind ctx, or -1 when nothing reads it there.
static int key_of(int ctx, const u8 *p, int n) {
  switch (ctx) {
  case C_ROOT:
    switch (p[0]) {
    case 't': if (IS("type")) return K_type; if (IS("timestamp")) return K_timestamp; if (IS("toolUseResult")) return K_toolUseResult; break;
    case 's': if (IS("sessionId")) return K_sessionId; if (IS("subtype")) return K_subtype; break;
    case 'c': if (IS("cwd")) return K_cwd; if (IS("compactMetadata")) return K_compactMetadata; break;
    case 'g': if (IS("gitBranch")) return K_gitBranch; break;
    case 'v': if (IS("version")) return K_version; break;
    case 'i':
      if (IS("isSidechain")) return K_isSidechain;
      if (IS("isApiErrorMessage")) return K_isApiErrorMessage;
      if (IS("isMeta")) return K_isMeta;
      if (IS("isCompactSummary")) return K_isCompactSummary;
      break;
    case 'a': if (IS("agentId")) return K_agentId; break;
    case 'd': if (IS("durationMs")) return K_durationMs; if (IS("data")) return K_data; break;
    case 'm': if (IS("message")) return K_message; break;
    case 'r': if (IS("requestId")) return K_requestId; break;
    case 'u': if (IS("uuid")) return K_uuid; break;
    case 'p': if (IS("parentToolUseID")) return K_parentToolUseID; break;
    }
    return -1;
  case C_COMPACT:
    if (IS("trigger")) return K_trigger;
    if (IS("preTokens")) return K_preTokens;
    return -1;
  case C_TUR:
    return IS("agentId") ? K_agentId : -1;
  case C_MSG:
    if (IS("usage")) return K_usage;
    if (IS("id")) return K_id;
    if (IS("model")) return K_model;
    if (IS("stop_reason")) return K_stop_reason;
    if (IS("content")) return K_content;
    return -1;
  case C_USAGE:
    if (IS("input_tokens")) return K_input_tokens;
    if (IS("output_tokens")) return K_output_tokens;
    if (IS("cache_creation_input_tokens")) return K_cache_creation_input_tokens;
    if (IS("cache_read_input_tokens")) return K_cache_read_input_tokens;
    if (IS("cache_creation")) return K_cache_creation;
    if (IS("speed")) return K_speed;
    return -1;
  case C_SPLIT:
    if (IS("ephemeral_5m_input_tokens")) return K_ephemeral_5m_input_tokens;
    if (IS("ephemeral_1h_input_tokens")) return K_ephemeral_1h_input_tokens;
    return -1;
  case C_DATA:
    if (IS("type")) return K_type;
    if (IS("message")) return K_message;
    if (IS("agentId")) return K_agentId;
    return -1;
  case C_COPY:
    if (IS("message")) return K_message;
    if (IS("timestamp")) return K_timestamp;
    if (IS("requestId")) return K_requestId;
    if (IS("isApiErrorMessage")) return K_isApiErrorMessage;
    return -1;
  case C_BLOCK:
    if (IS("type")) return K_type;
    if (IS("id")) return K_id;
    if (IS("name")) return K_name;
    if (IS("input")) return K_input;
    if (IS("tool_use_id")) return K_tool_use_id;
    if (IS("is_error")) return K_is_error;
    if (IS("content")) return K_content;
    if (IS("text")) return K_text;
    return -1;
  }
  return -1;
}

// What an object or array value of key k in an object of kind ctx is read as.
static int object_kind(int ctx, int k) {
  switch (ctx) {
  case C_ROOT: return k == K_message ? C_MSG : k == K_compactMetadata ? C_COMPACT : k == K_toolUseResult ? C_TUR : k == K_data ? C_DATA : C_NONE;
  case C_MSG: return k == K_usage ? C_USAGE : C_NONE;
  case C_USAGE: return k == K_cache_creation ? C_SPLIT : C_NONE;
  case C_DATA: return k == K_message ? C_COPY : C_NONE;
  case C_COPY: return k == K_message ? C_MSG : C_NONE;
  }
  return C_NONE;
}
static int array_kind(int ctx, int k) { return (ctx == C_MSG || ctx == C_BLOCK) && k == K_content ? C_CONTENT : C_NONE; }

static inline int is_ws(u8 c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static inline int hexval(u8 c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 32;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

#define GIVE_UP_INVALID -1
#define GIVE_UP_DEPTH -2
#define GIVE_UP_NODES -3
#define GIVE_UP_KEY -4
#define GIVE_UP_NUL -5

static i32 err;

// The string whose opening quote is at p (the line ends at end, where a '"' stands guard, with 15
// readable bytes after it): its closing quote, or 0 (err set). *esc: it holds a backslash.
static const u8 *string_end(const u8 *p, const u8 *end, int *esc) {
  const v128_t quote = wasm_i8x16_splat('"'), bs = wasm_i8x16_splat('\\'), sp = wasm_i8x16_splat(' ');
  p++;
  for (;;) {
    v128_t v = wasm_v128_load(p);
    u32 m = wasm_i8x16_bitmask(wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v, quote), wasm_i8x16_eq(v, bs)), wasm_u8x16_lt(v, sp)));
    if (m == 0) {
      p += 16;
      continue;
    }
    p += __builtin_ctz(m);
    u8 c = *p;
    if (c == '"') {
      if (p >= end) break;
      return p;
    }
    if (c != '\\' || p + 2 > end) break;
    *esc = 1;
    c = p[1];
    if (c == 'u') {
      if (p + 6 > end) break;
      int a = hexval(p[2]), b = hexval(p[3]), d = hexval(p[4]), e = hexval(p[5]);
      if ((a | b | d | e) < 0) break;
      int u = a << 12 | b << 8 | d << 4 | e;
      if (u == 0) {
        err = GIVE_UP_NUL;
        return 0;
      }
      if (u > 0x7f) wide = 1;
      p += 6;
    } else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') {
      p += 2;
    } else {
      break;
    }
  }
  err = GIVE_UP_INVALID;
  return 0;
}

// The number starting at p (JSON's grammar): its end, or 0. *value: exact for a plain integer of at
// most 15 digits (then *exact is 1).
static const u8 *number_end(const u8 *p, const u8 *end, double *value, int *exact) {
  const u8 *s = p;
  int neg = 0;
  if (*p == '-') {
    neg = 1;
    p++;
  }
  if (p >= end) return 0;
  uint64_t v = 0;
  if (*p == '0') {
    p++;
  } else if (*p >= '1' && *p <= '9') {
    while (p < end && *p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
  } else {
    return 0;
  }
  int digits = (int)(p - s) - neg;
  *exact = 1;
  if (p < end && *p == '.') {
    p++;
    if (p >= end || *p < '0' || *p > '9') return 0;
    while (p < end && *p >= '0' && *p <= '9') p++;
    *exact = 0;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < end && (*p == '+' || *p == '-')) p++;
    if (p >= end || *p < '0' || *p > '9') return 0;
    while (p < end && *p >= '0' && *p <= '9') p++;
    *exact = 0;
  }
  if (digits > 15) *exact = 0;
  if (*exact) *value = neg ? -(double)v : (double)v;
  return p;
}

// One open object or array: its kind (C_NONE: nothing in it is read), its node (-1: none), whether it is an array.
static u8 kinds[MAX_DEPTH];
static u8 arrays[MAX_DEPTH];
static i32 owners[MAX_DEPTH];

/**
 * extract(line, len): the line is memory[line, line + len), with 16 bytes writable past its end.
 * Returns the number of nodes written, or a negative reason to give up.
 */
i32 extract(u8 *line, i32 len) {
  const u8 *end = line + len;
  // The guard that ends every string scan at the line's end.
  line[len] = '"';
  const u8 *p = line;
  int depth = 0;
  int count = 0;
  wide = 0;
  err = GIVE_UP_INVALID;
  // The value about to be read: recorded as a node (under `parent`, as key `key`) when `record`; an
  // object in it is of kind `okind`, an array `akind`.
  int record = 1, parent = -1, key = 0, okind = C_ROOT, akind = C_NONE;

value:
  while (p < end && is_ws(*p)) p++;
  if (p >= end) return GIVE_UP_INVALID;
  {
    u8 c = *p;
    int node = -1;
    if (record) {
      if (count == MAX_NODES) return GIVE_UP_NODES;
      node = count++;
      nodes[node * 4] = parent;
      nodes[node * 4 + 2] = (i32)(p - line);
    }
    if (c == '{' || c == '[') {
      if (depth == MAX_DEPTH) return GIVE_UP_DEPTH;
      int array = c == '[';
      if (node >= 0) nodes[node * 4 + 1] = key << 8 | (array ? T_ARRAY : T_OBJECT);
      kinds[depth] = (u8)(node >= 0 ? (array ? akind : okind) : C_NONE);
      arrays[depth] = (u8)array;
      owners[depth] = node;
      depth++;
      p++;
      while (p < end && is_ws(*p)) p++;
      if (p < end && *p == (array ? ']' : '}')) {
        p++;
        depth--;
        if (node >= 0) nodes[node * 4 + 3] = (i32)(p - line);
        goto after;
      }
      if (array) goto element;
      goto member;
    }
    int type, flags = 0;
    if (c == '"') {
      int esc = 0;
      const u8 *q = string_end(p, end, &esc);
      if (!q) return err;
      p = q + 1;
      type = T_STRING;
      if (esc) flags = F_ESCAPED;
    } else if (c == 't' && end - p >= 4 && eq(p, "true", 4)) {
      p += 4;
      type = T_TRUE;
    } else if (c == 'f' && end - p >= 5 && eq(p, "false", 5)) {
      p += 5;
      type = T_FALSE;
    } else if (c == 'n' && end - p >= 4 && eq(p, "null", 4)) {
      p += 4;
      type = T_NULL;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      double v = 0;
      int exact = 0;
      const u8 *q = number_end(p, end, &v, &exact);
      if (!q) return GIVE_UP_INVALID;
      p = q;
      type = T_NUMBER;
      if (node >= 0 && exact) {
        flags = F_EXACT;
        nums[node] = v;
      }
    } else {
      return GIVE_UP_INVALID;
    }
    if (node >= 0) {
      nodes[node * 4 + 1] = key << 8 | flags | type;
      nodes[node * 4 + 3] = (i32)(p - line);
    }
  }

after:
  // A value has been read: what follows it in its container (or the line's end).
  while (p < end && is_ws(*p)) p++;
  if (depth == 0) return p == end ? count : GIVE_UP_INVALID;
  if (p >= end) return GIVE_UP_INVALID;
  if (*p == ',') {
    p++;
    if (arrays[depth - 1]) goto element;
    goto member;
  }
  if (*p != (arrays[depth - 1] ? ']' : '}')) return GIVE_UP_INVALID;
  p++;
  depth--;
  if (owners[depth] >= 0) nodes[owners[depth] * 4 + 3] = (i32)(p - line);
  goto after;

element:
  // An array's next element: a content array's are all read (a block is an object in one).
  record = kinds[depth - 1] == C_CONTENT;
  parent = owners[depth - 1];
  key = 0;
  okind = C_BLOCK;
  akind = C_NONE;
  goto value;

member:
  // An object's next key and its colon.
  while (p < end && is_ws(*p)) p++;
  if (p >= end || *p != '"') return GIVE_UP_INVALID;
  {
    int esc = 0;
    const u8 *q = string_end(p, end, &esc);
    if (!q) return err;
    int ctx = kinds[depth - 1];
    int k = -1;
    if (ctx != C_NONE) {
      // A key spelled with an escape could be any of those read: not matched here.
      if (esc) return GIVE_UP_KEY;
      if (q - p > 1) k = key_of(ctx, p + 1, (int)(q - p - 1));
    }
    p = q + 1;
    while (p < end && is_ws(*p)) p++;
    if (p >= end || *p != ':') return GIVE_UP_INVALID;
    p++;
    record = k >= 0;
    parent = owners[depth - 1];
    key = k;
    okind = k >= 0 ? object_kind(ctx, k) : C_NONE;
    akind = k >= 0 ? array_kind(ctx, k) : C_NONE;
    goto value;
  }
}

/**
 * units(p, len): the UTF-16 length of what JSON.parse decodes from the content of a string this
 * module checked (the bytes between its quotes, valid UTF-8): as string-scan.wat's units, one unit
 * a byte, none for a UTF-8 continuation byte, two for a 4-byte sequence, one for an escape.
 */
i32 units(const u8 *p, i32 len) {
  const u8 *end = p + len;
  i32 n = 0;
  while (p < end) {
    u8 c = *p;
    if (c == '\\') {
      p += p[1] == 'u' ? 6 : 2;
      n++;
      continue;
    }
    if ((c & 0xc0) != 0x80) n++;
    if (c >= 0xf0) n++;
    p++;
  }
  return n;
}
