// The line extractor behind model/line-extract.ts, compiled to WebAssembly by scripts/build-wasm.ts
// (clang-14, wasm32, SIMD) into line-extract-wasm.ts. It validates a whole transcript line as JSON,
// exactly as JSON.parse does (strings, escapes, numbers, literals, structure, nothing after the
// value), and records, in document order, the values at the paths normalize.ts reads: a node per
// value with its parent, its key, its type and its byte span (numbers: their value when exact). The
// caller builds from them a skeleton of the line (only those paths, strings as placeholders decoded
// when read) that normalizeLine turns into the same events as it does JSON.parse's whole value.
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

// Node i: parent node (-1 for the root); slot << 16 | key id << 10 | literal << 5 | flag << 4 | type
// (slot and literal: strings, see known()); start, end (offsets in the line; strings with their
// quotes, containers with their brackets). nums[i]: a number's value (when exact), a string's version.
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
// 1 when the last extract saw a byte above 0x7F (in valid JSON only strings hold one): the caller
// then checks the line's UTF-8, and needs no pass of its own over the bytes of an ASCII line.
static i32 nonascii;

i32 nodes_at(void) { return (i32)(uintptr_t)nodes; }
i32 nums_at(void) { return (i32)(uintptr_t)nums; }
i32 wide_seen(void) { return wide; }
i32 nonascii_seen(void) { return nonascii; }
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

static i32 err;

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

// 64 bytes at p as a bit mask: those where f gives a nonzero lane.
#define MASK64(f) \
  ((uint64_t)(u32)wasm_i8x16_bitmask(f(v0)) | (uint64_t)(u32)wasm_i8x16_bitmask(f(v1)) << 16 | (uint64_t)(u32)wasm_i8x16_bitmask(f(v2)) << 32 | \
   (uint64_t)(u32)wasm_i8x16_bitmask(f(v3)) << 48)
#define QUOTES(v) wasm_i8x16_eq(v, wasm_i8x16_splat('"'))
#define BACKSLASHES(v) wasm_i8x16_eq(v, wasm_i8x16_splat('\\'))
#define CONTROLS(v) wasm_u8x16_lt(v, wasm_i8x16_splat(' '))
#define US(v) wasm_i8x16_eq(v, wasm_i8x16_splat('u'))
// A lane's high bit is its byte's: bytes above 0x7F.
#define HIGH_BITS(v) (v)
// The bytes an escape may name (" / \ b f n r t u): where two nibble tables AND to nonzero (as in string-scan.wat).
#define LOW_NIBBLES wasm_i8x16_make(0, 0, 13, 0, 8, 8, 4, 0, 0, 0, 0, 0, 2, 0, 4, 1)
#define HIGH_NIBBLES wasm_i8x16_make(0, 0, 1, 0, 0, 2, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0)
#define ESCAPABLE(v)                                                                                                \
  wasm_i8x16_ne(wasm_i8x16_splat(0), wasm_v128_and(wasm_i8x16_swizzle(LOW_NIBBLES, wasm_v128_and(v, wasm_i8x16_splat(15))), \
                                                   wasm_i8x16_swizzle(HIGH_NIBBLES, wasm_u8x16_shr(v, 4))))
#define ODD 0xAAAAAAAAAAAAAAAAull
#define EVEN 0x5555555555555555ull

// The bytes escaped by the backslashes `b` of a 64-byte step (simdjson's find_escaped): the byte
// after each run's odd backslashes. *prev carries a run's last escape into the next step. (Inlined:
// `prev` stays a register, not a stack slot in linear memory.)
static inline uint64_t escaped_bytes(uint64_t b, uint64_t *prev) {
  if (!(b | *prev)) return 0;
  b &= ~*prev;
  uint64_t follows = b << 1 | *prev;
  uint64_t odd = b & (ODD & ~follows);
  uint64_t sum = odd + b;
  *prev = sum < odd;
  return (EVEN ^ (sum << 1)) & follows;
}

// The \u escape whose 'u' is at p: 0 when its four digits are not hex (err set), else 1 (wide set
// above U+007F; a \u0000 gives up).
static int hex4(const u8 *p) {
  int u = 0;
  for (int k = 1; k <= 4; k++) {
    int h = hexval(p[k]);
    if (h < 0) {
      err = GIVE_UP_INVALID;
      return 0;
    }
    u = u << 4 | h;
  }
  if (u == 0) {
    err = GIVE_UP_NUL;
    return 0;
  }
  if (u > 0x7f) wide = 1;
  return 1;
}

// The string whose opening quote is at p (the line ends at end, where a '"' stands guard, with 68
// readable bytes after it: a step may start at end, and a \u escape's digits run 4 bytes past it):
// its closing quote, or 0 (err set). `escaped`: it holds a backslash.
// (Results in globals, not through pointers: a local whose address is taken lives on the stack in
// linear memory, moved at every call.)
static int escaped_string;
// 64 bytes a step, as string-scan.wat reads them: the escaped bytes from the runs of backslashes
// (simdjson's find_escaped), the closing quote the first quote not escaped.
static const u8 *string_end(const u8 *p, const u8 *end) {
  uint64_t prev = 0;
  escaped_string = 0;
  p++;
  {
    // Most strings are short and plain (keys, ids, times, paths): closed in their first 16 (or 64)
    // bytes, before any backslash or control byte.
    v128_t v0 = wasm_v128_load(p);
#define SPECIAL(v) wasm_v128_or(BACKSLASHES(v), CONTROLS(v))
    u32 q16 = (u32)wasm_i8x16_bitmask(QUOTES(v0)), x16 = (u32)wasm_i8x16_bitmask(SPECIAL(v0));
    if (q16 && (x16 == 0 || (q16 & -q16) < (x16 & -x16))) {
      const u8 *c = p + __builtin_ctz(q16);
      if (c < end) {
        nonascii |= ((u32)wasm_i8x16_bitmask(v0) & ((q16 & -q16) - 1)) != 0;
        return c;
      }
    }
    if (!(q16 | x16)) {
      v128_t v1 = wasm_v128_load(p + 16), v2 = wasm_v128_load(p + 32), v3 = wasm_v128_load(p + 48);
      uint64_t q = MASK64(QUOTES), x = MASK64(SPECIAL);
      if (q && (x == 0 || (q & -q) < (x & -x))) {
        const u8 *c = p + __builtin_ctzll(q);
        if (c < end) {
          nonascii |= (MASK64(HIGH_BITS) & ((q & -q) - 1)) != 0;
          return c;
        }
      }
    }
  }
  for (;;) {
    v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + 16), v2 = wasm_v128_load(p + 32), v3 = wasm_v128_load(p + 48);
    uint64_t q = MASK64(QUOTES), b = MASK64(BACKSLASHES), ctl = MASK64(CONTROLS);
    uint64_t escaped = escaped_bytes(b, &prev);
    uint64_t close = q & ~escaped;
    // The bytes of the string in this step: up to its closing quote, or all 64.
    uint64_t in = close ? (close & -close) - 1 : ~0ull;
    if (ctl & in) break;
    nonascii |= (MASK64(HIGH_BITS) & in) != 0;
    // (Backslashes after the closing quote belong to later strings.)
    uint64_t e = escaped & in;
    if (e) {
      escaped_string = 1;
      if (e & ~MASK64(ESCAPABLE)) break;
      for (uint64_t u = e & MASK64(US); u; u &= u - 1)
        if (!hex4(p + __builtin_ctzll(u))) return 0;
    }
    if (close) {
      const u8 *c = p + __builtin_ctzll(close);
      if (c >= end) break;
      return c;
    }
    p += 64;
    // The guard at end was escaped: the string is left open.
    if (p > end) break;
  }
  err = GIVE_UP_INVALID;
  return 0;
}

// The number starting at p (JSON's grammar): its end, or 0. number_value: exact for a plain integer
// of at most 15 digits (then number_exact is 1).
static double number_value;
static int number_exact;
static const u8 *number_end(const u8 *p, const u8 *end) {
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
  number_exact = 1;
  if (p < end && *p == '.') {
    p++;
    if (p >= end || *p < '0' || *p > '9') return 0;
    while (p < end && *p >= '0' && *p <= '9') p++;
    number_exact = 0;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < end && (*p == '+' || *p == '-')) p++;
    if (p >= end || *p < '0' || *p > '9') return 0;
    while (p < end && *p >= '0' && *p <= '9') p++;
    number_exact = 0;
  }
  if (digits > 15) number_exact = 0;
  if (number_exact) number_value = neg ? -(double)v : (double)v;
  return p;
}

// Strings the normalizer compares with (line.type === 'progress'...): a string value equal to one is
// given as that literal (id 1 on, the order of LITERALS in line-extract.ts); any other string it
// reads through its placeholder reader, so it need not be decoded unless read.
static const char *const literals[] = {"progress", "file-history-snapshot", "queue-operation", "summary", "system", "user", "assistant",
                                       "compact_boundary", "turn_duration", "agent_progress", "tool_use", "tool_result", "text", "fast"};
#define LITERAL_COUNT (int)(sizeof(literals) / sizeof(literals[0]))
// The last short string seen at each (object kind, key), and a number for it that changes whenever
// it does: most lines repeat the session, cwd, branch, version and model of the line before, and
// the caller decodes a string again only when its number is not the one it decoded last.
#define KEY_COUNT 40
#define SLOTS (C_CONTENT + 1) * KEY_COUNT
#define SHORT 64
static u8 last[SLOTS][SHORT];
static u8 last_len[SLOTS];
static double version;

// A string value without escapes, p[0, n), at key `key`: its literal's id (0 if none), and in
// nums[node] its slot's version (-1 when too long to be kept).
static double versions[SLOTS];
static int known(const u8 *p, int n, int key, int slot, int node) {
  if (n <= SHORT) {
    u8 *l = last[slot];
    if (last_len[slot] != n || !eq(p, (const char *)l, n)) {
      for (int i = 0; i < n; i++) l[i] = p[i];
      last_len[slot] = (u8)n;
      versions[slot] = ++version;
    }
    nums[node] = versions[slot];
  } else {
    nums[node] = -1;
  }
  // Only these are compared without being read through the placeholder reader.
  if (key != K_type && key != K_subtype && key != K_speed) return 0;
  for (int i = 0; i < LITERAL_COUNT; i++) {
    const char *lit = literals[i];
    int k = 0;
    while (k < n && lit[k] == (char)p[k]) k++;
    if (k == n && !lit[k]) return i + 1;
  }
  return 0;
}

// One open object or array: its kind (C_NONE: nothing in it is read), its node (-1: none), whether it is an array.
static u8 kinds[MAX_DEPTH];
static u8 arrays[MAX_DEPTH];
static i32 owners[MAX_DEPTH];

/**
 * extract(line, len): the line is memory[line, line + len), with 68 bytes readable and 1 writable past its end.
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
  nonascii = 0;
  err = GIVE_UP_INVALID;
  // The value about to be read: recorded as a node (under `parent`, as key `key`) when `record`; an
  // object in it is of kind `okind`, an array `akind`.
  int record = 1, parent = -1, key = 0, okind = C_ROOT, akind = C_NONE, slot = 0;

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
      if (node >= 0) nodes[node * 4 + 1] = key << 10 | (array ? T_ARRAY : T_OBJECT);
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
      const u8 *q = string_end(p, end);
      int esc = escaped_string;
      if (!q) return err;
      type = T_STRING;
      if (esc) {
        flags = F_ESCAPED;
        if (node >= 0) nums[node] = -1;
      } else if (node >= 0) {
        flags = known(p + 1, (int)(q - p - 1), key, slot, node) << 5;
      }
      p = q + 1;
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
      const u8 *q = number_end(p, end);
      if (!q) return GIVE_UP_INVALID;
      p = q;
      type = T_NUMBER;
      if (node >= 0 && number_exact) {
        flags = F_EXACT;
        nums[node] = number_value;
      }
    } else {
      return GIVE_UP_INVALID;
    }
    if (node >= 0) {
      nodes[node * 4 + 1] = slot << 16 | key << 10 | flags | type;
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
  slot = C_CONTENT * KEY_COUNT;
  okind = C_BLOCK;
  akind = C_NONE;
  goto value;

member:
  // An object's next key and its colon.
  while (p < end && is_ws(*p)) p++;
  if (p >= end || *p != '"') return GIVE_UP_INVALID;
  {
    const u8 *q = string_end(p, end);
    int esc = escaped_string;
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
    slot = ctx * KEY_COUNT + k;
    okind = k >= 0 ? object_kind(ctx, k) : C_NONE;
    akind = k >= 0 ? array_kind(ctx, k) : C_NONE;
    goto value;
  }
}

/**
 * units(p, len): the UTF-16 length of what JSON.parse decodes from the content of a string this
 * module checked (the bytes between its quotes, valid UTF-8): as string-scan.wat's units, one unit
 * a byte, none for a UTF-8 continuation byte, two for a 4-byte sequence, one for an escape. Every
 * tool output's length is counted, and a byte at a time this was the extractor's largest cost in a
 * backfill profile: 64 bytes a step instead, an escape's bytes taken off as a count (all ASCII, one
 * unit each: 1 less for an escape, 4 more for a \u one), the escapes found as string_end finds them
 * (each has one escaped byte: the one after its backslash). Up to 63 bytes past the string are
 * loaded and masked off (the line has 68 readable bytes after it).
 */
#define CONTINUATIONS(v) wasm_i8x16_lt(v, wasm_i8x16_splat(-64))
#define FOUR_BYTE_LEADS(v) wasm_u8x16_ge(v, wasm_u8x16_splat(0xf0))
i32 units(const u8 *p, i32 len) {
  const u8 *end = p + len;
  i32 n = 0;
  uint64_t prev = 0;
  while (p < end) {
    v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + 16), v2 = wasm_v128_load(p + 32), v3 = wasm_v128_load(p + 48);
    uint64_t live = end - p >= 64 ? ~0ull : (1ull << (end - p)) - 1;
    uint64_t b = MASK64(BACKSLASHES) & live;
    uint64_t escaped = escaped_bytes(b, &prev);
    // (Continuation bytes 0x80-0xBF are -128..-65 as signed bytes.)
    n += __builtin_popcountll(live) - __builtin_popcountll(MASK64(CONTINUATIONS) & live) + __builtin_popcountll(MASK64(FOUR_BYTE_LEADS) & live);
    if (escaped) n -= __builtin_popcountll(escaped) + 4 * __builtin_popcountll(escaped & MASK64(US));
    p += 64;
  }
  return n;
}
