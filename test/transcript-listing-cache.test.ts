// The folder-listing cache (listing.json) of a warm start: with it the transcript listing must be
// exactly the listing without it, and every change to the history (a new session, a new subagents
// folder, a deleted file, a project folder renamed by the migration `mv`, a copied session) must be
// seen by the next listing, also when it happens in the coarse clock's window right after a listing.
// A damaged or planted cache file is ignored, never followed; a read-only open never writes it.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryGenerator, generateHistory, listJsonl } from './support/history-generator.js';
import { linkedHistory } from './support/linked-history.js';
import { reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { waitFor } from './support/wait.js';
import { resolveRoots } from '../src/sources/roots.js';
import { listTranscripts, type TranscriptFile } from '../src/sources/transcript-files.js';
import { ListingCache, RACY_MS } from '../src/sources/listing-cache.js';
import { LISTING_FILE, loadListing, saveListing } from '../src/state/listing-file.js';
import { processIdentity } from '../src/state/lock.js';
import { StateStore } from '../src/state/store.js';

const made: string[] = [];
const tmp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `ccotel-listing-${name}-`));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const list = (root: string, cache?: ListingCache) => listTranscripts(resolveRoots([root]), undefined, cache);
/** What a listing means to its callers: paths, hints and order (the stats are fresh every time). */
const plain = (files: TranscriptFile[]) => files.map((f) => ({ path: f.path, hints: f.hints, size: f.stat?.size }));

/** Every folder under projects/ (the walk's folders, links not followed). */
function folders(root: string): string[] {
  const top = join(root, 'projects');
  const out = [top];
  for (const rel of readdirSync(top, { recursive: true }) as string[]) {
    if (lstatSync(join(top, rel)).isDirectory()) out.push(join(top, rel));
  }
  return out;
}

interface Row {
  depth: number;
  name: string;
  /** The folder's path (from the depth and names of the rows before it). */
  path: string;
  dev: number;
  ino: number;
  ctimeMs: number;
  listedMs: number;
  kinds: string;
  names: string[];
}

/** listing.json's rows (in walk order: a depth below a walk root and a name, a walk root's path at 0). */
function decode(text: string): Row[] {
  const above: string[] = [];
  return (JSON.parse(text) as { dirs: Array<[number, string, number, number, number, number, string, string[]]> }).dirs.map(([depth, name, dev, ino, ctimeMs, listedMs, kinds, names]) => {
    const path = depth === 0 ? name : join(above[depth - 1]!, name);
    above.length = depth;
    above.push(path);
    return { depth, name, path, dev, ino, ctimeMs, listedMs, kinds, names };
  });
}

function encode(rows: Row[]): string {
  return JSON.stringify({ format: 'ccotel-listing', version: 1, dirs: rows.map((r) => [r.depth, r.name, r.dev, r.ino, r.ctimeMs, r.listedMs, r.kinds, r.names]) });
}

/**
 * The cache as if each listing had been taken well after its folder last changed (as on a real
 * machine, where starts are seconds apart): the folders are trusted while their ctime holds.
 */
function agedText(c: ListingCache): string {
  const rows = decode(c.serialize());
  for (const r of rows) r.listedMs = Math.max(r.listedMs, r.ctimeMs + RACY_MS + 1000);
  return encode(rows);
}
const aged = (c: ListingCache) => ListingCache.parse(agedText(c));

/**
 * Waits until the filesystem's clock has moved past every folder's ctime, so that a change from now
 * on gives its folder a new ctime (an aged cache, unlike a real one, would not catch a change in the
 * same clock tick: that case is the racy window, tested without aging below).
 */
async function fsClockPast(root: string, probeDir: string): Promise<void> {
  const last = Math.max(...folders(root).map((d) => statSync(d).ctimeMs));
  const probe = join(probeDir, 'clock-probe');
  await waitFor(() => {
    writeFileSync(probe, String(Math.random()));
    return statSync(probe).ctimeMs > last ? true : undefined;
  }, { intervalMs: 2, what: 'the filesystem clock to move past the folders ctime' });
}

describe('a warm listing with the folder cache', () => {
  it('equals the listing without a cache, reusing every folder', async () => {
    const root = join(tmp('equal'), 'claude');
    generateHistory(root, { sessions: 14, seed: 41, projects: 4 });
    const truth = listJsonl(root);
    const without = plain(await list(root));
    expect(without.map((f) => f.path)).toEqual(truth);
    const cold = ListingCache.empty();
    expect(plain(await list(root, cold))).toEqual(without);
    expect(cold.read).toBe(folders(root).length);
    expect(cold.changed).toBe(true);

    const warm = aged(cold);
    expect(plain(await list(root, warm))).toEqual(without);
    expect(warm.reused).toBe(folders(root).length);
    expect(warm.read).toBe(0);
    expect(warm.changed).toBe(false);
    // Reused from a reloaded file too (what the next start does).
    const reloaded = ListingCache.parse(warm.serialize());
    expect(plain(await list(root, reloaded))).toEqual(without);
    expect(reloaded.reused).toBe(folders(root).length);
  });

  it('equals the listing without a cache through symlinked roots, linked project folders and a link loop', async () => {
    const dir = tmp('links');
    const { root, alias, projects, other } = linkedHistory(dir);
    symlinkSync(projects, join(projects, other, 'loop'));
    const roots = resolveRoots([root, alias, join(alias, 'projects')]);
    const without = plain(await listTranscripts(roots));
    const cold = ListingCache.empty();
    expect(plain(await listTranscripts(roots, undefined, cold))).toEqual(without);
    const warm = aged(cold);
    expect(plain(await listTranscripts(roots, undefined, warm))).toEqual(without);
    expect(warm.read).toBe(0);
    expect(warm.reused).toBeGreaterThan(0);
  });
});

describe('changes between two listings are all seen', () => {
  const dir = tmp('changes');
  const root = join(dir, 'claude');
  const projects = join(root, 'projects');
  let cache = ListingCache.empty();

  beforeAll(async () => {
    new HistoryGenerator(root, { sessions: 12, seed: 5, projects: 3 }).generate();
    await list(root, cache);
  });

  /** Makes a change after the last listing (aged: trusted where the folder did not move), lists again. */
  async function afterChange(change: () => void): Promise<TranscriptFile[]> {
    cache = aged(cache);
    await fsClockPast(root, dir);
    change();
    const files = await list(root, cache);
    expect(files.map((f) => f.path)).toEqual(listJsonl(root));
    expect(plain(files)).toEqual(plain(await list(root)));
    expect(cache.reused, 'unchanged folders are reused').toBeGreaterThan(0);
    return files;
  }

  it('a new session file', async () => {
    const p = join(projects, readdirSync(projects).sort()[0]!, 'aaaaaaaa-0000-4000-8000-000000000001.jsonl');
    const files = await afterChange(() => writeFileSync(p, '{}\n'));
    expect(files.find((f) => f.path === p)?.hints).toEqual({ sessionId: 'aaaaaaaa-0000-4000-8000-000000000001' });
  });

  it('a new subagents folder and file', async () => {
    const project = join(projects, readdirSync(projects).sort()[1]!);
    const main = readdirSync(project).find((n) => n.endsWith('.jsonl') && !readdirSync(project).includes(basename(n, '.jsonl')));
    const sid = main ? basename(main, '.jsonl') : 'bbbbbbbb-0000-4000-8000-000000000002';
    const p = join(project, sid, 'subagents', 'agent-new1.jsonl');
    const files = await afterChange(() => {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, '{}\n');
    });
    expect(files.find((f) => f.path === p)?.hints).toEqual({ sessionId: sid, agentId: 'new1' });
  });

  it('a new file in an existing subagents folder, and a deleted one', async () => {
    const sub = folders(root).find((d) => basename(d) === 'subagents' && readdirSync(d).some((n) => n.endsWith('.jsonl')))!;
    const gone = join(sub, readdirSync(sub).find((n) => n.endsWith('.jsonl'))!);
    const added = join(sub, 'agent-new2.jsonl');
    const files = await afterChange(() => {
      unlinkSync(gone);
      writeFileSync(added, '{}\n');
    });
    expect(files.map((f) => f.path)).not.toContain(gone);
    expect(files.map((f) => f.path)).toContain(added);
  });

  it('a deleted main transcript', async () => {
    const project = join(projects, readdirSync(projects).sort()[2]!);
    const gone = join(project, readdirSync(project).find((n) => n.endsWith('.jsonl'))!);
    const files = await afterChange(() => unlinkSync(gone));
    expect(files.map((f) => f.path)).not.toContain(gone);
  });

  it("a project folder renamed by the migration's mv", async () => {
    const old = readdirSync(projects).sort()[0]!;
    const files = await afterChange(() => renameSync(join(projects, old), join(projects, `${old}-moved`)));
    expect(files.some((f) => f.path.startsWith(join(projects, `${old}-moved`) + '/'))).toBe(true);
    expect(files.some((f) => f.path.startsWith(join(projects, old) + '/'))).toBe(false);
  });

  it('two project folders swapping names (each found under its new name, with its own sessions)', async () => {
    const [a, b] = readdirSync(projects).sort();
    const inA = readdirSync(join(projects, a!)).filter((n) => n.endsWith('.jsonl'));
    const files = await afterChange(() => {
      renameSync(join(projects, a!), join(projects, 'swap'));
      renameSync(join(projects, b!), join(projects, a!));
      renameSync(join(projects, 'swap'), join(projects, b!));
    });
    expect(files.filter((f) => dirname(f.path) === join(projects, b!)).map((f) => basename(f.path))).toEqual(inA.sort());
  });

  it('a session copied into another project folder', async () => {
    const [a, b] = readdirSync(projects).sort();
    const name = readdirSync(join(projects, a!)).find((n) => n.endsWith('.jsonl'))!;
    const files = await afterChange(() => copyFileSync(join(projects, a!, name), join(projects, b!, name)));
    expect(files.filter((f) => basename(f.path) === name).map((f) => f.path)).toEqual([join(projects, a!, name), join(projects, b!, name)]);
  });
});

describe('the racy window: a change right after a listing', () => {
  it('a file added in the same folder just after the cache was written is found', async () => {
    // Written, listed and added within a clock tick or two: with a coarse clock the folder's ctime
    // may not move, and only the rule that a listing this young is read again finds the second file.
    // (Linux 6.13+ gives a ctime just stat'ed a fine-grained next value, so there the ctime does
    // move; the next test makes the coarse case certain on any kernel.)
    const root = join(tmp('racy'), 'claude');
    const projects = join(root, 'projects');
    mkdirSync(projects, { recursive: true });
    for (let i = 0; i < 30; i++) {
      const folder = join(projects, `-p${i}`);
      mkdirSync(folder);
      writeFileSync(join(folder, 'a.jsonl'), '{}\n');
      const first = ListingCache.empty();
      await list(root, first);
      writeFileSync(join(folder, 'b.jsonl'), '{}\n');
      const next = ListingCache.parse(first.serialize());
      const files = await list(root, next);
      expect(files.map((f) => f.path)).toEqual(listJsonl(root));
    }
  });

  it('a listing taken within RACY_MS of its folder ctime is read again even when the ctime did not move', async () => {
    // The coarse clock case made certain: the saved listing lacks the file although the folder's
    // ctime is the one it has now (a change in the same tick as the listing).
    const root = join(tmp('racy-exact'), 'claude');
    const folder = join(root, 'projects', '-p');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a.jsonl'), '{}\n');
    const first = ListingCache.empty();
    await list(root, first);
    writeFileSync(join(folder, 'b.jsonl'), '{}\n');
    const rows = decode(first.serialize());
    const row = rows.find((r) => r.path === folder)!;
    expect([row.kinds, row.names]).toEqual(['f', ['a.jsonl']]);
    row.ctimeMs = statSync(folder).ctimeMs;
    row.listedMs = Math.min(row.listedMs, row.ctimeMs + RACY_MS - 1);
    const next = ListingCache.parse(encode(rows));
    expect((await list(root, next)).map((f) => basename(f.path))).toEqual(['a.jsonl', 'b.jsonl']);
    // The same listing taken after the window is trusted (the rule is what decides).
    row.listedMs = row.ctimeMs + RACY_MS;
    const trusted = ListingCache.parse(encode(rows));
    await list(root, trusted);
    expect(trusted.reused).toBeGreaterThan(0);
  });
});

describe('listing.json in the state directory', () => {
  const dir = tmp('file');
  const root = join(dir, 'claude');
  const state = join(dir, 'state');
  const store = { dir: state, created: false, readOnly: false };
  let good = '';
  let nFolders = 0;

  beforeAll(async () => {
    generateHistory(root, { sessions: 6, seed: 9, projects: 2 });
    mkdirSync(state, { mode: 0o700 });
    const c = ListingCache.empty();
    await list(root, c);
    good = agedText(c);
    nFolders = folders(root).length;
  });

  /** Lists with the cache loaded from the state dir; how many folders it reused. */
  async function reusedFromFile(): Promise<number> {
    const c = await loadListing(store);
    expect(plain(await list(root, c))).toEqual(plain(await list(root)));
    return c.reused;
  }

  it('a valid file is used', async () => {
    writeFileSync(join(state, LISTING_FILE), good);
    expect(await reusedFromFile()).toBe(nFolders);
  });

  it('a corrupt, truncated, other-version or odd-shaped file is ignored (a full walk, no error)', async () => {
    const doc = JSON.parse(good) as { version: number; dirs: unknown[][] };
    const projects = join(root, 'projects');
    const variants = [
      'not json {',
      '',
      good.slice(0, Math.floor(good.length / 2)),
      JSON.stringify({ ...doc, version: 999 }),
      JSON.stringify({ ...doc, format: 'something-else' }),
      JSON.stringify({ ...doc, dirs: [[0, projects, 1, 2, 3, 4, 'd']] }),
      JSON.stringify({ ...doc, dirs: [[0, projects, 1, 2, 3, 4, 'd', 'x']] }),
      JSON.stringify({ ...doc, dirs: [[0, projects, 1, 2, 3, 4, 'x', ['bad']]] }),
      JSON.stringify({ ...doc, dirs: [[0, projects, 1, 2, 3, 4, 'dd', ['one']]] }),
      JSON.stringify({ ...doc, dirs: [[0, projects, 1, 2, 3, 4, 'dd', ['one', '']]] }),
      JSON.stringify({ ...doc, dirs: [[0, projects, 1, 2, 3, 4, 'dd', ['one', 'a/b']]] }),
      JSON.stringify({ ...doc, dirs: [[0, projects, 1, 2, 3, 4, 'd', [7]]] }),
      JSON.stringify({ ...doc, dirs: [[1, projects, 1, 2, 3, 4, 'd', ['x']]] }),
      JSON.stringify({ ...doc, dirs: [[0.5, projects, 1, 2, 3, 4, 'd', ['x']]] }),
      JSON.stringify({ ...doc, dirs: Object.fromEntries(decode(good).map((r) => [r.path, r])) }),
      JSON.stringify([1, 2]),
      'null',
    ];
    for (const text of variants) {
      writeFileSync(join(state, LISTING_FILE), text);
      expect(await reusedFromFile(), text.slice(0, 40)).toBe(0);
    }
  });

  it('a planted symlink is neither read nor written through', async () => {
    const target = join(dir, 'elsewhere.json');
    writeFileSync(target, good);
    const path = join(state, LISTING_FILE);
    rmSync(path, { force: true });
    symlinkSync(target, path);
    expect(await reusedFromFile()).toBe(0);
    const c = await loadListing(store);
    await list(root, c);
    expect(await saveListing(store, c)).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe(good);
    const st = lstatSync(path);
    expect(st.isFile()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe(c.serialize());
  });

  it("a writer's open removes the temp file of a listing write that was killed", async () => {
    const dir2 = tmp('leftover');
    writeFileSync(join(dir2, `${LISTING_FILE}.12345.0a1b2c3d.tmp`), '{"format":');
    const s = await StateStore.open(dir2, { allowReadOnly: false });
    s.close();
    expect(readdirSync(dir2).filter((n) => n.startsWith(LISTING_FILE))).toEqual([]);
  });

  it('is written only when the walk changed it, never by a read-only open, and dropped for a new or reset state', async () => {
    const path = join(state, LISTING_FILE);
    writeFileSync(path, good);
    const same = await loadListing(store);
    await list(root, same);
    expect(same.changed).toBe(false);
    expect(await saveListing(store, same)).toBe(false);

    const cold = ListingCache.empty();
    await list(root, cold);
    expect(await saveListing({ dir: state, readOnly: true }, cold)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(good);

    expect((await loadListing({ dir: state, created: true, readOnly: true })).changed).toBe(false);
    expect(readFileSync(path, 'utf8'), 'a read-only open leaves it').toBe(good);
    await loadListing({ dir: state, created: true, readOnly: false });
    expect(readdirSync(state)).not.toContain(LISTING_FILE);
  });
});

describe('stats with listing.json: exact totals across changes, nothing written beside a running ccotel', () => {
  const dir = tmp('stats');
  const root = join(dir, 'claude');
  const state = join(dir, 'state');
  let holder: ChildProcess | undefined;
  beforeAll(() => requireBuiltCli());
  afterAll(() => holder?.kill());

  it('saves the listing, sees new sessions through it, and leaves it alone when read-only', async () => {
    const gen = new HistoryGenerator(root, { sessions: 10, seed: 23, projects: 3 });
    let exp = gen.generate();
    const first = await runStats(root, state);
    expect(reportDiffs(first.report, exp)).toEqual([]);
    const path = join(state, LISTING_FILE);
    expect(lstatSync(path).mode & 0o777).toBe(0o600);

    // Another ccotel holds the state: stats reads without saving, the new sessions counted anyway.
    exp = gen.appendMore({ sessions: 2, newSessions: 2 });
    holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    writeFileSync(join(state, 'lock.1000'), `${holder.pid} ${processIdentity(holder.pid!) ?? ''}\n`);
    const saved = readFileSync(path, 'utf8');
    const names = readdirSync(state).sort();
    const ro = await runStats(root, state);
    expect(ro.stderr).toMatch(/reading without saving/);
    expect(reportDiffs(ro.report, exp)).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(saved);
    expect(readdirSync(state).sort()).toEqual(names);
    holder.kill();
    await waitFor(() => (holder!.exitCode !== null || holder!.signalCode !== null ? true : undefined), { what: 'the lock holder to exit' });
    unlinkSync(join(state, 'lock.1000'));

    // Released: the listing is saved again, and still exact after more new sessions.
    const rw = await runStats(root, state);
    expect(reportDiffs(rw.report, exp)).toEqual([]);
    expect(readFileSync(path, 'utf8')).not.toBe(saved);
    exp = gen.appendMore({ sessions: 0, newSessions: 3 });
    const last = await runStats(root, state);
    expect(reportDiffs(last.report, exp)).toEqual([]);
    expect(last.report.input.files).toBe(exp.files);
  });
});
