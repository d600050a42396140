// Writes the guide's activity log from the daemon (never from the hook: Claude Code must not wait for
// it). A sink of the event stream: a tool call's start (transcript tool_use or PreToolUse hook) gives
// its tool, file and input size, its end (tool_result, PostToolUse or PostToolUseFailure) the time
// and result size, and the end writes one line. Once per call:
// - the transcript and the hook report the same `tool_use_id`: the first end writes, the other is
//   skipped (ids of ended calls are kept two days, in the sink's checkpointed state);
// - events read again after a restart write lines identical to the first time, and a line already
//   in its day's file is never appended again (each file is read once per process to know them);
// - only calls ending after the log was first switched on are written (`since`): turning it on, or
//   --reset-state, does not rewrite history.
// Lines are appended and synced in flush(), before the commit that moves the checkpoints. A log
// directory that cannot be written is a warning; its lines wait for the next flush.
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { localDay } from '../calendar/time-range.js';
import type { ModelEvent } from '../model/events.js';
import type { EventSink } from '../model/sink.js';
import type { Logger } from '../log.js';
import { activityLine, fileOf, type ActivitySettings, type ToolCallFacts } from './activity-log.js';

const KEEP_DONE_MS = 2 * 86_400_000;

/** A call seen but not finished yet: its line lacks only the result's size. */
type Open = Omit<ToolCallFacts, 'resultChars'>;

interface SavedState {
  since: number;
  open: Array<[string, Open]>;
  done: Array<[string, number]>;
}

export class ActivitySink implements EventSink {
  readonly name = 'activity';
  private since: number;
  private readonly open = new Map<string, Open>();
  private readonly done = new Map<string, number>();
  /** day → lines waiting for flush(). */
  private readonly waiting = new Map<string, string[]>();
  /** Lines already in each day's file (read on first use). */
  private readonly inFile = new Map<string, Set<string>>();
  private changed = true;
  private warned = false;
  /** Lines written (tests, logs). */
  written = 0;

  constructor(
    private readonly s: ActivitySettings,
    private readonly timezone: string,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    this.since = clock();
  }

  restore(state: unknown): void {
    const st = state as Partial<SavedState> | undefined;
    if (!st || typeof st.since !== 'number') return; // first start with the log on: from now
    this.since = st.since;
    for (const [id, o] of st.open ?? []) this.open.set(id, o);
    for (const [id, t] of st.done ?? []) this.done.set(id, t);
    this.changed = false;
  }

  snapshot(): unknown {
    if (!this.changed) return undefined;
    this.changed = false;
    const cut = this.clock() - KEEP_DONE_MS;
    for (const [id, t] of this.done) if (t < cut) this.done.delete(id);
    return { since: this.since, open: [...this.open], done: [...this.done] } satisfies SavedState;
  }

  accept(events: readonly ModelEvent[]): void {
    for (const e of events) {
      if (e.kind === 'tool_use') this.start(e.id, { ts: e.ts, sessionId: e.ctx.sessionId, cwd: e.ctx.cwd, tool: e.name, file: fileOf(e.input), inputChars: JSON.stringify(e.input).length });
      else if (e.kind === 'tool_result') this.end(e.toolUseId, e.ts, e.resultChars);
      else if (e.kind === 'hook' && e.tool) {
        const t = e.tool;
        if (t.phase === 'pre' || !this.open.has(t.id)) this.start(t.id, { ts: e.ts, sessionId: e.ctx.sessionId, cwd: e.ctx.cwd, tool: t.name, file: fileOf(t.input), inputChars: t.inputChars });
        if (t.phase !== 'pre') this.end(t.id, e.ts, t.phase === 'post' ? (t.resultChars ?? 0) : (t.errorText?.length ?? 0));
      }
    }
  }

  private start(id: string, o: Open): void {
    if (this.done.has(id) || this.open.has(id)) return;
    this.open.set(id, o);
    this.changed = true;
  }

  private end(id: string, ts: number, resultChars: number): void {
    const o = this.open.get(id);
    if (!o || this.done.has(id)) return;
    this.open.delete(id);
    this.done.set(id, ts);
    this.changed = true;
    if (ts < this.since) return;
    const day = localDay(ts, this.timezone);
    const line = activityLine({ ts, sessionId: o.sessionId, cwd: o.cwd, tool: o.tool, file: o.file, inputChars: o.inputChars, resultChars }, this.s);
    const list = this.waiting.get(day) ?? [];
    list.push(line);
    this.waiting.set(day, list);
  }

  async flush(): Promise<void> {
    if (this.waiting.size === 0) return;
    try {
      await mkdir(this.s.dir, { recursive: true, mode: 0o700 });
      for (const [day, lines] of [...this.waiting]) {
        const path = join(this.s.dir, `activity-${day}.jsonl`);
        const have = await this.linesOf(day, path);
        const add = lines.filter((l) => !have.has(l));
        if (add.length > 0) {
          const fh = await open(path, 'a', 0o600);
          try {
            await fh.appendFile(add.map((l) => l + '\n').join(''));
            await fh.sync();
          } finally {
            await fh.close();
          }
          for (const l of add) have.add(l);
          this.written += add.length;
        }
        this.waiting.delete(day);
      }
      this.warned = false;
    } catch (err) {
      if (!this.warned) this.log.warn(`cannot write the activity log in ${this.s.dir}: ${(err as Error).message} (its lines wait for the next attempt)`);
      this.warned = true;
    }
  }

  private async linesOf(day: string, path: string): Promise<Set<string>> {
    let set = this.inFile.get(day);
    if (set) return set;
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    set = new Set(text.split('\n').filter(Boolean));
    this.inFile.set(day, set);
    return set;
  }
}
