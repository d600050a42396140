;; The string scan behind model/line-reduce.ts, in WebAssembly text (compiled by
;; scripts/build-wasm.ts into string-scan-wasm.ts). It walks one JSON line 16 bytes at a time and
;; copies it with every long string value replaced by a placeholder: "\u0000" and the span's number.
;; Every string is checked as JSON.parse checks it (no control byte, only JSON's escapes), so the
;; placeholders stand for valid strings and JSON.parse of the copy accepts exactly the lines it
;; accepts whole. It gives up (-1), and the caller parses the line whole, on a control byte or a bad
;; escape in a string, a string left open, or a \u0000 escape (the placeholders' mark).
(module
  (memory (export "memory") 2)
  ;; Number of spans written by the last scan.
  (global $count (export "count") (mut i32) (i32.const 0))
  ;; scan(base, len, min, table, cap): the line is memory[base, base + len), at least 16 bytes
  ;; readable past its end. Writes the copy over it and returns its length, or -1. Values of at least
  ;; `min` bytes (quotes included; min >= 16, the longest placeholder) are replaced, at most `cap`;
  ;; span i's start and end (offsets in the line, quotes included) are i32s at table + 8i, the
  ;; end's top bit set when the string holds an escape.
  (func (export "scan") (param $base i32) (param $len i32) (param $min i32) (param $table i32) (param $cap i32) (result i32)
    (local $r i32) (local $w i32) (local $end i32) (local $s i32) (local $from i32) (local $n i32)
    (local $m i32) (local $c i32) (local $k i32) (local $esc i32) (local $v v128)
    (local.set $r (local.get $base))
    (local.set $w (local.get $base))
    (local.set $from (local.get $base))
    (local.set $end (i32.add (local.get $base) (local.get $len)))
    (block $done
      (loop $outside
        ;; find the next quote
        (block $found
          (loop $q
            (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
            (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $r)) (i8x16.splat (i32.const 34)))))
            (if (local.get $m)
              (then
                (local.set $r (i32.add (local.get $r) (i32.ctz (local.get $m))))
                (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
                (br $found)))
            (local.set $r (i32.add (local.get $r) (i32.const 16)))
            (br $q)))
        (local.set $s (local.get $r))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $esc (i32.const 0))
        ;; inside a string: next quote, backslash or control byte
        (block $closed
          (loop $in
            (if (i32.ge_u (local.get $r) (local.get $end)) (then (return (i32.const -1))))
            (local.set $v (v128.load (local.get $r)))
            (local.set $m (i8x16.bitmask (v128.or
              (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 34))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 92))))
              (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 32))))))
            (if (i32.eqz (local.get $m))
              (then (local.set $r (i32.add (local.get $r) (i32.const 16))) (br $in)))
            (local.set $r (i32.add (local.get $r) (i32.ctz (local.get $m))))
            (if (i32.ge_u (local.get $r) (local.get $end)) (then (return (i32.const -1))))
            (local.set $c (i32.load8_u (local.get $r)))
            (if (i32.eq (local.get $c) (i32.const 34))
              (then (local.set $r (i32.add (local.get $r) (i32.const 1))) (br $closed)))
            (if (i32.lt_u (local.get $c) (i32.const 32)) (then (return (i32.const -1))))
            ;; a backslash: the escaped byte must exist
            (local.set $esc (i32.const 1))
            (if (i32.ge_u (i32.add (local.get $r) (i32.const 1)) (local.get $end)) (then (return (i32.const -1))))
            (local.set $c (i32.load8_u (i32.add (local.get $r) (i32.const 1))))
            (if (i32.eq (local.get $c) (i32.const 117))
              (then
                (if (i32.gt_u (i32.add (local.get $r) (i32.const 6)) (local.get $end)) (then (return (i32.const -1))))
                (local.set $k (i32.const 2))
                (local.set $m (i32.const 0))
                (loop $hex
                  (local.set $c (i32.load8_u (i32.add (local.get $r) (local.get $k))))
                  (if (i32.eqz (i32.or
                        (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
                        (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)) (i32.const 6))))
                    (then (return (i32.const -1))))
                  (local.set $m (i32.or (local.get $m) (i32.ne (local.get $c) (i32.const 48))))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br_if $hex (i32.lt_u (local.get $k) (i32.const 6))))
                ;; \u0000 is the placeholder's mark: a line holding one is not reduced
                (if (i32.eqz (local.get $m)) (then (return (i32.const -1))))
                (local.set $r (i32.add (local.get $r) (i32.const 6)))
                (br $in)))
            (if (i32.or (i32.or (i32.or (i32.eq (local.get $c) (i32.const 34)) (i32.eq (local.get $c) (i32.const 92)))
                                (i32.or (i32.eq (local.get $c) (i32.const 47)) (i32.eq (local.get $c) (i32.const 98))))
                        (i32.or (i32.or (i32.eq (local.get $c) (i32.const 102)) (i32.eq (local.get $c) (i32.const 110)))
                                (i32.or (i32.eq (local.get $c) (i32.const 114)) (i32.eq (local.get $c) (i32.const 116)))))
              (then (local.set $r (i32.add (local.get $r) (i32.const 2))) (br $in)))
            (return (i32.const -1))))
        ;; the string is [s, r): a key (a colon follows) stays; a value is replaced when long
        ;; enough and the table has room
        (local.set $k (local.get $r))
        (block $key_seen
          (loop $space
            (br_if $key_seen (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $c (i32.load8_u (local.get $k)))
            (if (i32.or (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
                        (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13))))
              (then (local.set $k (i32.add (local.get $k) (i32.const 1))) (br $space)))))
        (if (i32.and
              (i32.or (i32.ge_u (local.get $k) (local.get $end)) (i32.ne (i32.load8_u (local.get $k)) (i32.const 58)))
              (i32.and (i32.ge_u (i32.sub (local.get $r) (local.get $s)) (local.get $min)) (i32.lt_u (local.get $n) (local.get $cap))))
          (then
            (memory.copy (local.get $w) (local.get $from) (i32.sub (local.get $s) (local.get $from)))
            (local.set $w (i32.add (local.get $w) (i32.sub (local.get $s) (local.get $from))))
            ;; "\u0000 then the span's number in decimal, then the closing quote
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
            (local.set $w (i32.add (local.get $w) (i32.const 1)))
            (i32.store (i32.add (local.get $table) (i32.shl (local.get $n) (i32.const 3))) (i32.sub (local.get $s) (local.get $base)))
            (i32.store (i32.add (local.get $table) (i32.add (i32.shl (local.get $n) (i32.const 3)) (i32.const 4))) (i32.or (i32.sub (local.get $r) (local.get $base)) (i32.shl (local.get $esc) (i32.const 31))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (local.set $from (local.get $r))))
        (br $outside)))
    (memory.copy (local.get $w) (local.get $from) (i32.sub (local.get $end) (local.get $from)))
    (global.set $count (local.get $n))
    (i32.sub (i32.add (local.get $w) (i32.sub (local.get $end) (local.get $from))) (local.get $base)))
)
