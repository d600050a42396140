;; The string scan behind model/line-reduce.ts, in WebAssembly text (compiled by
;; scripts/build-wasm.ts into string-scan-wasm.ts). It copies one JSON line with every long string
;; value replaced by a placeholder: "\u0000" and the span's number. Every string is checked as
;; JSON.parse checks it (no control byte, only JSON's escapes), so the placeholders stand for valid
;; strings and JSON.parse of the copy accepts exactly the lines it accepts whole. It gives up (-1),
;; and the caller parses the line whole, on a control byte or a bad escape in a string, a string
;; left open, or a \u0000 escape (the placeholders' mark).
;;
;; It reads 64 bytes a step without a branch per byte, the way simdjson's first stage does: bit masks
;; of quotes, backslashes and control bytes; the escaped bytes from the runs of backslashes; the
;; bytes inside strings as the prefix XOR of the unescaped quotes. A string that fits in one step's
;; 64 bytes is never replaced (min > 64), so only the string left open by a step can be: a step
;; closes at most one of those, with its first closing quote.
;;
;; The 64-bit masks are written out where they are used: V8 does not inline calls between wasm
;; functions by default, and a call per mask cost a third of the scan.
(module
  (memory (export "memory") 2)
  ;; Number of spans written by the last scan.
  (global $count (export "count") (mut i32) (i32.const 0))
  ;; 1 when the last scan saw a \u escape above U+007F. Such an escape in a line read as latin1
  ;; decodes to a character that would pass for a raw byte (model/line-text.ts): the caller then
  ;; reads the line as UTF-8 text instead, as it does when its own check finds one.
  (global $wide (export "wide") (mut i32) (i32.const 0))
  ;; The copy's write position, the first byte not yet copied, the spans written (during a scan).
  (global $w (mut i32) (i32.const 0))
  (global $from (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))

  ;; The four hex digits of a \u escape whose 'u' is at p: 0 when not valid or \u0000, 2 when the
  ;; escape is above U+007F (see $wide), else 1.
  (func $hex4 (param $p i32) (param $end i32) (result i32)
    (local $k i32) (local $c i32) (local $z i32)
    (if (i32.gt_u (i32.add (local.get $p) (i32.const 5)) (local.get $end)) (then (return (i32.const 0))))
    (local.set $k (i32.const 1))
    (loop $hex
      (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $k))))
      (if (i32.eqz (i32.or
            (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
            (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)) (i32.const 6))))
        (then (return (i32.const 0))))
      (local.set $z (i32.or (local.get $z) (i32.ne (local.get $c) (i32.const 48))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $hex (i32.lt_u (local.get $k) (i32.const 5))))
    (if (i32.eqz (local.get $z)) (then (return (i32.const 0))))
    ;; narrow: 0 0 then a digit 0-7
    (i32.sub (i32.const 2) (i32.and
      (i32.and (i32.eq (i32.load8_u offset=1 (local.get $p)) (i32.const 48)) (i32.eq (i32.load8_u offset=2 (local.get $p)) (i32.const 48)))
      (i32.lt_u (i32.sub (i32.load8_u offset=3 (local.get $p)) (i32.const 48)) (i32.const 8)))))

  ;; The string [s, e) (quotes included), closed at e - 1: a value (no colon follows) is replaced
  ;; by a placeholder and its span recorded.
  (func $replace (param $s i32) (param $e i32) (param $end i32) (param $base i32) (param $table i32)
    (local $k i32) (local $c i32) (local $w i32) (local $n i32)
    (local.set $k (local.get $e))
    (block $key_seen
      (loop $space
        (br_if $key_seen (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $k)))
        (if (i32.or (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
                    (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13))))
          (then (local.set $k (i32.add (local.get $k) (i32.const 1))) (br $space)))))
    (if (i32.and (i32.lt_u (local.get $k) (local.get $end)) (i32.eq (i32.load8_u (local.get $k)) (i32.const 58)))
      (then (return)))
    (local.set $w (global.get $w))
    (local.set $n (global.get $n))
    (memory.copy (local.get $w) (global.get $from) (i32.sub (local.get $s) (global.get $from)))
    (local.set $w (i32.add (local.get $w) (i32.sub (local.get $s) (global.get $from))))
    ;; "\u0000 then the span's number in decimal, then the closing quote (at most 12 bytes, written
    ;; over bytes already read: the string replaced is longer)
    (i32.store (local.get $w) (i32.const 0x3075_5c22))
    (i32.store (i32.add (local.get $w) (i32.const 4)) (i32.const 0x3030_3030))
    (local.set $w (i32.add (local.get $w) (i32.const 7)))
    (local.set $k (i32.const 1))
    (block $digits_done
      (loop $pow
        (br_if $digits_done (i32.gt_u (i32.mul (local.get $k) (i32.const 10)) (local.get $n)))
        (local.set $k (i32.mul (local.get $k) (i32.const 10)))
        (br $pow)))
    (loop $digit
      (i32.store8 (local.get $w) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $n) (local.get $k)) (i32.const 10))))
      (local.set $w (i32.add (local.get $w) (i32.const 1)))
      (local.set $k (i32.div_u (local.get $k) (i32.const 10)))
      (br_if $digit (local.get $k)))
    (i32.store8 (local.get $w) (i32.const 34))
    (global.set $w (i32.add (local.get $w) (i32.const 1)))
    (i32.store (i32.add (local.get $table) (i32.shl (local.get $n) (i32.const 3))) (i32.sub (local.get $s) (local.get $base)))
    (i32.store (i32.add (local.get $table) (i32.add (i32.shl (local.get $n) (i32.const 3)) (i32.const 4))) (i32.sub (local.get $e) (local.get $base)))
    (global.set $n (i32.add (local.get $n) (i32.const 1)))
    (global.set $from (local.get $e)))

  ;; scan(base, len, min, table, cap): the line is memory[base, base + len), with 64 bytes readable
  ;; past its end. Writes the copy over it and returns its length, or -1. String values of at least
  ;; `min` bytes (quotes included; min > 64) are replaced, at most `cap`; span i's start and end
  ;; (offsets in the line, quotes included) are i32s at table + 8i.
  (func (export "scan") (param $base i32) (param $len i32) (param $min i32) (param $table i32) (param $cap i32) (result i32)
    (local $r i32) (local $end i32) (local $open i32) (local $p i32)
    (local $q i64) (local $b i64) (local $ctl i64) (local $lim i64)
    (local $prev i64) (local $esc i64) (local $odd i64) (local $sum i64) (local $follows i64)
    (local $x i64) (local $in i64) (local $carry i64) (local $u i64)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $r (local.get $base))
    (local.set $end (i32.add (local.get $base) (local.get $len)))
    (global.set $w (local.get $base))
    (global.set $from (local.get $base))
    (global.set $n (i32.const 0))
    (global.set $wide (i32.const 0))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $v0 (v128.load (local.get $r)))
        (local.set $v1 (v128.load offset=16 (local.get $r)))
        (local.set $v2 (v128.load offset=32 (local.get $r)))
        (local.set $v3 (v128.load offset=48 (local.get $r)))
        (local.set $q (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v0) (i8x16.splat (i32.const 34)))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 34))))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 34))))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 34))))) (i64.const 48)))))
        (local.set $b (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v0) (i8x16.splat (i32.const 92)))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 92))))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 92))))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 92))))) (i64.const 48)))))
        (local.set $ctl (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_u (local.get $v0) (i8x16.splat (i32.const 32)))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_u (local.get $v1) (i8x16.splat (i32.const 32))))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_u (local.get $v2) (i8x16.splat (i32.const 32))))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_u (local.get $v3) (i8x16.splat (i32.const 32))))) (i64.const 48)))))
        ;; the last step: bytes past the line's end do not count
        (if (i32.lt_u (i32.sub (local.get $end) (local.get $r)) (i32.const 64))
          (then
            (local.set $lim (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $end) (local.get $r)))) (i64.const 1)))
            (local.set $q (i64.and (local.get $q) (local.get $lim)))
            (local.set $b (i64.and (local.get $b) (local.get $lim)))
            (local.set $ctl (i64.and (local.get $ctl) (local.get $lim)))))
        ;; escaped bytes: the byte after each odd-numbered backslash of a run (simdjson's
        ;; find_escaped); $prev carries "the next step's first byte is escaped"
        (local.set $esc (i64.const 0))
        (if (i64.ne (i64.or (local.get $b) (local.get $prev)) (i64.const 0))
          (then
            (local.set $b (i64.and (local.get $b) (i64.xor (local.get $prev) (i64.const -1))))
            (local.set $follows (i64.or (i64.shl (local.get $b) (i64.const 1)) (local.get $prev)))
            (local.set $odd (i64.and (local.get $b)
              (i64.and (i64.const 0xAAAA_AAAA_AAAA_AAAA) (i64.xor (local.get $follows) (i64.const -1)))))
            (local.set $sum (i64.add (local.get $odd) (local.get $b)))
            (local.set $prev (i64.extend_i32_u (i64.lt_u (local.get $sum) (local.get $odd))))
            (local.set $esc (i64.and
              (i64.xor (i64.const 0x5555_5555_5555_5555) (i64.shl (local.get $sum) (i64.const 1)))
              (local.get $follows)))))
        ;; inside strings: prefix XOR of the unescaped quotes (opening quote in, closing quote out)
        (local.set $x (i64.and (local.get $q) (i64.xor (local.get $esc) (i64.const -1))))
        (local.set $q (local.get $x))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 1))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 2))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 4))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 8))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 16))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 32))))
        (local.set $in (i64.xor (local.get $x) (local.get $carry)))
        ;; a control byte in a string
        (if (i64.ne (i64.and (local.get $ctl) (local.get $in)) (i64.const 0)) (then (return (i32.const -1))))
        (if (i64.ne (i64.and (local.get $esc) (local.get $in)) (i64.const 0))
          (then
            ;; an escaped byte in a string that no escape allows: the escapable bytes (" / \ b f n r t u)
            ;; are those where two nibble tables AND to nonzero (high nibble 2 5 6 7 -> bits 1 2 4 8)
            (if (i64.ne (i64.and (i64.and (local.get $esc) (local.get $in))
                  (i64.xor (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.ne (v128.and
              (i8x16.swizzle (v128.const i8x16 0 0 13 0 8 8 4 0 0 0 0 0 2 0 4 1) (v128.and (local.get $v0) (i8x16.splat (i32.const 15))))
              (i8x16.swizzle (v128.const i8x16 0 0 1 0 0 2 4 8 0 0 0 0 0 0 0 0) (i8x16.shr_u (local.get $v0) (i32.const 4))))
              (v128.const i64x2 0 0))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.ne (v128.and
              (i8x16.swizzle (v128.const i8x16 0 0 13 0 8 8 4 0 0 0 0 0 2 0 4 1) (v128.and (local.get $v1) (i8x16.splat (i32.const 15))))
              (i8x16.swizzle (v128.const i8x16 0 0 1 0 0 2 4 8 0 0 0 0 0 0 0 0) (i8x16.shr_u (local.get $v1) (i32.const 4))))
              (v128.const i64x2 0 0)))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.ne (v128.and
              (i8x16.swizzle (v128.const i8x16 0 0 13 0 8 8 4 0 0 0 0 0 2 0 4 1) (v128.and (local.get $v2) (i8x16.splat (i32.const 15))))
              (i8x16.swizzle (v128.const i8x16 0 0 1 0 0 2 4 8 0 0 0 0 0 0 0 0) (i8x16.shr_u (local.get $v2) (i32.const 4))))
              (v128.const i64x2 0 0)))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.ne (v128.and
              (i8x16.swizzle (v128.const i8x16 0 0 13 0 8 8 4 0 0 0 0 0 2 0 4 1) (v128.and (local.get $v3) (i8x16.splat (i32.const 15))))
              (i8x16.swizzle (v128.const i8x16 0 0 1 0 0 2 4 8 0 0 0 0 0 0 0 0) (i8x16.shr_u (local.get $v3) (i32.const 4))))
              (v128.const i64x2 0 0)))) (i64.const 48))))
                           (i64.const -1)))
                  (i64.const 0))
              (then (return (i32.const -1))))
            ;; \u escapes: four hex digits, not \u0000
            (local.set $u (i64.and (i64.and (local.get $esc) (local.get $in)) (i64.or
              (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v0) (i8x16.splat (i32.const 117)))))
                      (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 117))))) (i64.const 16)))
              (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 117))))) (i64.const 32))
                      (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 117))))) (i64.const 48))))))
            (block $u_done
              (loop $each_u
                (br_if $u_done (i64.eqz (local.get $u)))
                (local.set $p (call $hex4 (i32.add (local.get $r) (i32.wrap_i64 (i64.ctz (local.get $u)))) (local.get $end)))
                (if (i32.eqz (local.get $p)) (then (return (i32.const -1))))
                (if (i32.eq (local.get $p) (i32.const 2)) (then (global.set $wide (i32.const 1))))
                (local.set $u (i64.and (local.get $u) (i64.sub (local.get $u) (i64.const 1))))
                (br $each_u)))))
        ;; the string left open by an earlier step closes at this step's first closing quote
        (if (i64.ne (local.get $carry) (i64.const 0))
          (then
            (local.set $x (i64.and (local.get $q) (i64.xor (local.get $in) (i64.const -1))))
            (if (i64.ne (local.get $x) (i64.const 0))
              (then
                (local.set $p (i32.add (i32.add (local.get $r) (i32.wrap_i64 (i64.ctz (local.get $x)))) (i32.const 1)))
                (if (i32.and (i32.ge_u (i32.sub (local.get $p) (local.get $open)) (local.get $min)) (i32.lt_u (global.get $n) (local.get $cap)))
                  (then (call $replace (local.get $open) (local.get $p) (local.get $end) (local.get $base) (local.get $table))))))))
        ;; a string open at this step's end starts at its last opening quote (or earlier, if none)
        (local.set $carry (i64.shr_s (local.get $in) (i64.const 63)))
        (if (i64.ne (local.get $carry) (i64.const 0))
          (then
            (local.set $x (i64.and (local.get $q) (local.get $in)))
            (if (i64.ne (local.get $x) (i64.const 0))
              (then (local.set $open (i32.sub (i32.add (local.get $r) (i32.const 63)) (i32.wrap_i64 (i64.clz (local.get $x)))))))))
        (local.set $r (i32.add (local.get $r) (i32.const 64)))
        (br $step)))
    ;; a string left open
    (if (i64.ne (local.get $carry) (i64.const 0)) (then (return (i32.const -1))))
    (memory.copy (global.get $w) (global.get $from) (i32.sub (local.get $end) (global.get $from)))
    (global.set $count (global.get $n))
    (i32.sub (i32.add (global.get $w) (i32.sub (local.get $end) (global.get $from))) (local.get $base)))

  ;; units(p, len): the UTF-16 length of what JSON.parse decodes from the content of a string the
  ;; scan checked (the bytes between its quotes, valid UTF-8, 64 bytes readable past the end): each
  ;; byte is a unit, but a UTF-8 continuation byte adds none and a 4-byte sequence's lead one more
  ;; (a surrogate pair), an escape's backslash none, and a \u escape's four digits none.
  (func (export "units") (param $p i32) (param $len i32) (result i32)
    (local $r i32) (local $end i32) (local $n i64)
    (local $b i64) (local $lim i64) (local $prev i64) (local $esc i64) (local $odd i64) (local $sum i64) (local $follows i64)
    (local.set $r (local.get $p))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $lim (i64.const -1))
        (if (i32.lt_u (i32.sub (local.get $end) (local.get $r)) (i32.const 64))
          (then (local.set $lim (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $end) (local.get $r)))) (i64.const 1)))))
        (local.set $n (i64.add (local.get $n) (i64.popcnt (local.get $lim))))
        (local.set $n (i64.sub (local.get $n) (i64.popcnt (i64.and (local.get $lim) (i64.or
            (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.and (v128.load offset=0 (local.get $r)) (i8x16.splat (i32.const 0xc0))) (i8x16.splat (i32.const 0x80)))))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.and (v128.load offset=16 (local.get $r)) (i8x16.splat (i32.const 0xc0))) (i8x16.splat (i32.const 0x80))))) (i64.const 16)))
            (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.and (v128.load offset=32 (local.get $r)) (i8x16.splat (i32.const 0xc0))) (i8x16.splat (i32.const 0x80))))) (i64.const 32))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.and (v128.load offset=48 (local.get $r)) (i8x16.splat (i32.const 0xc0))) (i8x16.splat (i32.const 0x80))))) (i64.const 48))))))))
        (local.set $n (i64.add (local.get $n) (i64.popcnt (i64.and (local.get $lim) (i64.or
            (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.ge_u (v128.load offset=0 (local.get $r)) (i8x16.splat (i32.const 0xf0)))))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.ge_u (v128.load offset=16 (local.get $r)) (i8x16.splat (i32.const 0xf0))))) (i64.const 16)))
            (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.ge_u (v128.load offset=32 (local.get $r)) (i8x16.splat (i32.const 0xf0))))) (i64.const 32))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.ge_u (v128.load offset=48 (local.get $r)) (i8x16.splat (i32.const 0xf0))))) (i64.const 48))))))))
        ;; escapes, as in scan: the backslashes that start one, and the 'u's they escape
        (local.set $b (i64.and (local.get $lim) (i64.or
            (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=0 (local.get $r)) (i8x16.splat (i32.const 92)))))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=16 (local.get $r)) (i8x16.splat (i32.const 92))))) (i64.const 16)))
            (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=32 (local.get $r)) (i8x16.splat (i32.const 92))))) (i64.const 32))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=48 (local.get $r)) (i8x16.splat (i32.const 92))))) (i64.const 48))))))
        (if (i64.ne (i64.or (local.get $b) (local.get $prev)) (i64.const 0))
          (then
            (local.set $b (i64.and (local.get $b) (i64.xor (local.get $prev) (i64.const -1))))
            (local.set $follows (i64.or (i64.shl (local.get $b) (i64.const 1)) (local.get $prev)))
            (local.set $odd (i64.and (local.get $b)
              (i64.and (i64.const 0xAAAA_AAAA_AAAA_AAAA) (i64.xor (local.get $follows) (i64.const -1)))))
            (local.set $sum (i64.add (local.get $odd) (local.get $b)))
            (local.set $prev (i64.extend_i32_u (i64.lt_u (local.get $sum) (local.get $odd))))
            (local.set $esc (i64.and
              (i64.xor (i64.const 0x5555_5555_5555_5555) (i64.shl (local.get $sum) (i64.const 1)))
              (local.get $follows)))
            (local.set $n (i64.sub (local.get $n) (i64.popcnt (i64.and (local.get $b) (i64.xor (local.get $esc) (i64.const -1))))))
            (local.set $n (i64.sub (local.get $n) (i64.shl (i64.popcnt (i64.and (i64.and (local.get $esc) (local.get $lim)) (i64.or
            (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=0 (local.get $r)) (i8x16.splat (i32.const 117)))))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=16 (local.get $r)) (i8x16.splat (i32.const 117))))) (i64.const 16)))
            (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=32 (local.get $r)) (i8x16.splat (i32.const 117))))) (i64.const 32))
                    (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=48 (local.get $r)) (i8x16.splat (i32.const 117))))) (i64.const 48)))))) (i64.const 2))))))
        (local.set $r (i32.add (local.get $r) (i32.const 64)))
        (br $step)))
    (i32.wrap_i64 (local.get $n)))
)
