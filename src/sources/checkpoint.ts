// What the reader remembers about one transcript: its identity (to tell an appended file from a
// replaced one) and how far it has read. The reader owns this type; the state store only keeps it.
export interface FileCheckpoint {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** Byte offset just past the last line that was fully processed. */
  offset: number;
  /** Lines up to offset (for file:line in warnings). */
  lines: number;
  malformed: number;
  oversized: number;
  /** sha256 (hex) of the first fpLen bytes: tells a replaced file from an appended one. */
  fp: string;
  fpLen: number;
  /**
   * sha256 (hex, first 16 digits) of the tailLen bytes just before offset: tells a file rewritten in place with the
   * same first bytes (and at least as long) from an appended one. Absent in older state: not checked.
   */
  tail?: string;
  tailLen?: number;
  /**
   * Offset up to which each exporting sink (traces) has consumed this file; it may lag `offset` when a
   * command without that sink (stats) read the bytes first. Absent in state written before sinks kept
   * their own offsets: they are then caught up with `offset`.
   */
  sinks?: Record<string, number>;
}
