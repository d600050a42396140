// The sessions index as a positioned sink (docs/sessions.md): the ingest manager hands it the same
// events, file by file, that it hands the trace sink, and it keeps its own read position per file,
// so the index is built by the checkpointed reader (history and live), never by rescanning. Text
// arrives already redacted (model/normalize.ts); it is written only here, under the state dir.
import type { EventSink } from '../model/sink.js';
import type { ModelEvent } from '../model/events.js';
import { appendRowsAsync, indexFiles, type IndexFiles, type MetaRow, type TextRow } from './index-file.js';
import { isTypedPrompt, oneLine } from './prompt-kind.js';
import { maskTokens } from './mask.js';
import { summarizeToolTarget } from '../model/tool-target.js';
import { FILE_TOOLS } from './summary.js';
import { CompactionTrigger } from './compact.js';
import { refreshCatalogSnapshot } from './catalog-snapshot.js';
import { stateWriteError } from '../state/state-errors.js';

/** Characters of a prompt kept in the listing's journal (the full text is in the text journal). */
export const SHORT_PROMPT = 200;

/** Subagent transcripts (`<session>/subagents/…`) are not sessions. */
export const isSubagentPath = (path: string): boolean => /[\\/]subagents[\\/]/.test(path);

export class SessionsSink implements EventSink {
  readonly name = 'sessions';
  readonly wantsText = true;
  /** flush() takes the rows it writes when it is called (ingest/manager.ts). */
  readonly takesAtFlush = true;
  private readonly files: IndexFiles;
  private meta: MetaRow[] = [];
  private text: TextRow[] = [];
  /** Rows of the append under way (flush). */
  private readonly writing: { meta: MetaRow[]; text: TextRow[] } = { meta: [], text: [] };
  /**
   * Rows a flush took and could not write, per journal: the next flush writes them first, and
   * snapshot() saves them with the checkpoints, which move past their lines all the same (the
   * commit saves the trace sink's unsent spans with them), so a run that ends here loses none.
   */
  private unwritten: Unwritten | undefined;
  /** The last snapshot named unwritten rows: the next one clears them. */
  private savedUnwritten = false;
  private readonly compaction: CompactionTrigger;
  /** Paths whose file row this process wrote (with the cwd it named). */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly stateDir: string,
    /** Another ccotel owns the state: rows stay in memory (see pending()), nothing is written. */
    private readonly readOnly = false,
  ) {
    this.files = indexFiles(stateDir);
    this.compaction = new CompactionTrigger(stateDir);
  }

  accept(events: readonly ModelEvent[], path?: string): void {
    if (path === undefined) return;
    if (isSubagentPath(path)) {
      // Not a session, but the files its tools touch belong to its session's --show.
      for (const e of events) this.file(e, path);
      return;
    }
    let first = Infinity;
    let last = -Infinity;
    for (const e of events) {
      this.file(e, path);
      if (e.ctx.agentId !== undefined || e.kind === 'hook') continue;
      const cwd = e.ctx.cwd;
      const had = this.known.get(path);
      if (had === undefined || (had === '' && cwd !== '')) {
        this.known.set(path, cwd);
        this.meta.push(['F', path, e.ctx.sessionId, cwd]);
      }
      if (e.ts < first) first = e.ts;
      if (e.ts > last) last = e.ts;
      if (e.kind === 'prompt' && e.text !== undefined) {
        const text = maskTokens(e.text.normalize('NFC'));
        this.text.push(['p', path, e.uuid, e.ts, text]);
        if (isTypedPrompt(text)) this.meta.push(['q', path, e.uuid, e.ts, oneLine(text, SHORT_PROMPT)]);
      } else if (e.kind === 'assistant_text') {
        this.text.push(['a', path, e.uuid, e.ts, maskTokens(e.text.normalize('NFC'))]);
      } else if (e.kind === 'tool_result' && e.text !== undefined) {
        this.text.push(['o', path, e.toolUseId, e.ts, maskTokens(e.text.normalize('NFC'))]);
      }
    }
    if (first <= last) this.meta.push(['W', path, first, last]);
  }

  /** A file tool's target (redacted like every target ccotel keeps). */
  private file(e: ModelEvent, path: string): void {
    if (e.kind !== 'tool_use' || !FILE_TOOLS.has(e.name)) return;
    const target = summarizeToolTarget(e.name, e.input);
    if (target) this.text.push(['f', path, e.id, e.ts, maskTokens(target), e.name]);
  }

  restart(path: string): void {
    if (isSubagentPath(path)) {
      this.text.push(['X', path]);
      return;
    }
    this.known.delete(path);
    this.meta.push(['X', path]);
    this.text.push(['X', path]);
  }

  async flush(): Promise<void> {
    if (this.readOnly) return;
    // Text first: a listing never names a session whose text a crash lost (re-read either way).
    // Appends are asynchronous (their fsync must not block the daemon's loop): rows added while a
    // write is under way stay for the next flush. Both journals' rows are taken now, when the
    // commit starts: reading may go on while they are written (ingest/manager.ts), and rows of lines
    // read meanwhile belong to the next commit's checkpoints (written now, a kill before those move
    // would have them written twice). A journal whose append failed keeps its rows (unwritten);
    // one whose append succeeded does not get them again.
    const u = this.unwritten;
    this.unwritten = undefined;
    const text = this.text;
    const meta = [...(u?.meta ?? []), ...this.meta];
    this.text = [];
    this.meta = [];
    this.writing.text = u ? [...unwrittenView(u), ...text] : text;
    this.writing.meta = meta;
    // Tool output goes to its own journal (most of the bytes; only --all-text reads it); X rows to both.
    const out = [...(u?.out ?? []), ...text.filter(isOutRow)];
    const main = [...(u?.text ?? []), ...text.filter((r) => r[0] !== 'o')];
    try {
      // Both at once (their fsyncs overlap); the listing only after both.
      const done = await Promise.allSettled([appendRowsAsync(this.files.out, out), appendRowsAsync(this.files.text, main)]);
      const failed = done.findIndex((d) => d.status === 'rejected');
      if (failed !== -1) {
        this.unwritten = { out: done[0]!.status === 'rejected' ? out : [], text: done[1]!.status === 'rejected' ? main : [], meta };
        this.writing.meta = [];
        // A full disk is the user's to fix (one line, as for the ledger), not an internal error.
        throw stateWriteError(failed === 0 ? this.files.out : this.files.text, this.stateDir, (done[failed] as PromiseRejectedResult).reason);
      }
    } finally {
      this.writing.text = [];
    }
    try {
      await appendRowsAsync(this.files.meta, meta);
    } catch (err) {
      this.unwritten = { out: [], text: [], meta };
      throw stateWriteError(this.files.meta, this.stateDir, err);
    } finally {
      this.writing.meta = [];
    }
    // Every row this flush took is on disk: the journals may be rewritten now (rows accepted since,
    // while reading went on, are appended by the next flush after whatever this rewrites; waiting
    // for a flush with none would leave a backfill's first look at the text journals to its end,
    // when they are largest). A compaction that fails (a full disk) leaves the journals as they
    // were; it is only a saving, never worth a commit.
    try {
      this.compaction.afterFlush();
    } catch {
      // tried again at the next flush
    }
    // After compaction (which drops a snapshot of the journal it rewrites). Only a saving for
    // readers: a failure (a full disk) leaves them folding the journal, as without one.
    try {
      await refreshCatalogSnapshot(this.stateDir);
    } catch {
      // tried again at the next flush
    }
  }

  /** Rows not on disk (a read-only reader's view of what the owner has not yet written). */
  pending(): { meta: readonly MetaRow[]; text: readonly TextRow[] } {
    // Rows being appended count as pending until the append is done: a question asked meanwhile
    // may find part of them on disk, or none (a row read twice changes nothing: rows are keyed).
    const { meta, text } = this.writing;
    const u = this.unwritten;
    if (u) return { meta: [...u.meta, ...this.meta], text: [...unwrittenView(u), ...this.text] };
    return { meta: meta.length > 0 ? [...meta, ...this.meta] : this.meta, text: text.length > 0 ? [...text, ...this.text] : this.text };
  }

  /** What the last flush could not write (saved with the checkpoints), or that none is left. */
  snapshot(): unknown {
    const u = this.unwritten;
    if (u) {
      this.savedUnwritten = true;
      return { unwritten: u } satisfies SavedState;
    }
    if (!this.savedUnwritten) return undefined;
    this.savedUnwritten = false;
    return {} satisfies SavedState;
  }

  restore(state: unknown): void {
    const u = (state as SavedState | undefined)?.unwritten;
    if (!u) return;
    this.unwritten = { out: u.out ?? [], text: u.text ?? [], meta: u.meta ?? [] };
    this.savedUnwritten = true;
  }
}

/** Rows for the tool-output journal: tool output, and X rows (which go to both). */
const isOutRow = (r: TextRow): boolean => r[0] === 'o' || r[0] === 'X';

interface Unwritten {
  out: TextRow[];
  text: TextRow[];
  meta: MetaRow[];
}

interface SavedState {
  unwritten?: Unwritten;
}

/** Unwritten text rows as one list for a reader (pending()): the text journal's, then tool output. */
const unwrittenView = (u: Unwritten): TextRow[] => [...u.text, ...u.out.filter((r) => r[0] === 'o')];
