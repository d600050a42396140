// A small shell tokenizer for rule matching: a Bash command becomes the simple commands it runs,
// each as its argv. Rules look at argv, never at the raw string, so `echo "rm -rf"` runs `echo`
// (not a hit) while `sudo rm -rf /`, `env X=y rm -rf /` and `bash -c "rm -rf /"` run `rm`.
// One pass over the text, no regular expressions: linear in the command's length.

/** Commands whose arguments are only data: what they mention is not what they do. */
export const PRINTERS: ReadonlySet<string> = new Set(['echo', 'printf', 'print', ':', 'true', 'false']);

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'fish', 'ash']);
/** Wrappers that run their arguments as a command, and their options that take a value. */
const WRAPPERS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-h', '-p', '-C', '-U', '-r', '-t', '-T', '-D', '--user', '--group', '--host', '--prompt', '--chdir']),
  doas: new Set(['-u', '-C']),
  env: new Set(['-u', '-C', '-S', '--unset', '--chdir', '--split-string']),
  nohup: new Set(),
  time: new Set(['-f', '-o', '--format', '--output']),
  command: new Set(),
  exec: new Set(['-a']),
  nice: new Set(['-n', '--adjustment']),
  ionice: new Set(['-c', '-n', '-p', '--class', '--classdata']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  xargs: new Set(['-I', '-i', '-n', '-P', '-L', '-l', '-s', '-d', '-E', '-a', '--max-args', '--max-procs', '--delimiter', '--arg-file', '--replace']),
  stdbuf: new Set(['-i', '-o', '-e']),
  caffeinate: new Set(['-t', '-w']),
  watch: new Set(['-n', '-d', '--interval']),
};
/** Wrappers whose first positional argument is theirs, not the command's (timeout 10 rm …). */
const TAKES_POSITIONAL = new Set(['timeout']);

const MAX_DEPTH = 4;

/** The simple commands a Bash command line runs, each as argv (quotes removed, wrappers unwrapped). */
export function simpleCommands(command: string): string[][] {
  const out: string[][] = [];
  collect(command, 0, out);
  return out;
}

function collect(command: string, depth: number, out: string[][]): void {
  for (const argv of split(command)) unwrap(argv, depth, out);
}

export function baseName(word: string): string {
  const i = word.lastIndexOf('/');
  return i >= 0 ? word.slice(i + 1) : word;
}

function unwrap(argv: string[], depth: number, out: string[][]): void {
  let i = 0;
  for (;;) {
    while (i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!)) i++; // X=y cmd
    if (i >= argv.length) return;
    const name = baseName(argv[i]!);
    const valued = WRAPPERS[name];
    if (valued) {
      i++;
      while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '-' && argv[i] !== '--') {
        const opt = argv[i]!;
        i += valued.has(opt) ? 2 : 1;
      }
      if (argv[i] === '--') i++;
      if (TAKES_POSITIONAL.has(name)) i++;
      continue;
    }
    const rest = argv.slice(i);
    if ((SHELLS.has(name) || name === 'eval') && depth < MAX_DEPTH) {
      if (name === 'eval') return collect(rest.slice(1).join(' '), depth + 1, out);
      const c = rest.findIndex((a, k) => k > 0 && /^-[A-Za-z]*c[A-Za-z]*$/.test(a));
      if (c > 0 && rest[c + 1] !== undefined) return collect(rest[c + 1]!, depth + 1, out);
    }
    out.push(rest);
    return;
  }
}

// Characters that end a plain run of word characters.
const SPECIAL = new Uint8Array(128);
for (const c of "'\"\\#$<> \t\r\n;&|()`") SPECIAL[c.charCodeAt(0)] = 1;
const isSpecial = (code: number): boolean => code < 128 && SPECIAL[code] === 1;

const SEPARATORS = new Set([';', '&', '|', '\n', '(', ')', '`']);

/** Splits on separators and whitespace, honouring quotes, escapes, comments and here-documents. */
function split(s: string): string[][] {
  const cmds: string[][] = [];
  let argv: string[] = [];
  let word: string | null = null;
  const heredocs: string[] = [];
  const endWord = () => {
    if (word !== null) argv.push(word);
    word = null;
  };
  const endCmd = () => {
    endWord();
    if (argv.length > 0) cmds.push(argv);
    argv = [];
  };
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s[i]!;
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      const end = j < 0 ? n : j;
      word = (word ?? '') + s.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let w: string = word ?? '';
      i++;
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < n && '"\\$`'.includes(s[i + 1]!)) i++;
        w += s[i];
        i++;
      }
      word = w;
      i++;
      continue;
    }
    if (c === '\\') {
      if (s[i + 1] === '\n') i += 2;
      else {
        word = (word ?? '') + (s[i + 1] ?? '');
        i += 2;
      }
      continue;
    }
    if (c === '#' && word === null) {
      const j = s.indexOf('\n', i);
      i = j < 0 ? n : j;
      continue;
    }
    if (c === '$' && s[i + 1] === '(') {
      endCmd(); // $(…) runs a command of its own
      i += 2;
      continue;
    }
    if (c === '<' && s[i + 1] === '<' && s[i + 2] !== '<') {
      // Here-document: its body is data, not commands. It is kept as one argument of the command
      // the line ends with (`cat <<EOF | psql`: psql, which reads it).
      endWord();
      i += s[i + 2] === '-' ? 3 : 2;
      while (s[i] === ' ' || s[i] === '\t') i++;
      let delim = '';
      while (i < n && !/[\s;&|<>()]/.test(s[i]!)) {
        if (s[i] !== "'" && s[i] !== '"' && s[i] !== '\\') delim += s[i];
        i++;
      }
      if (delim) heredocs.push(delim);
      continue;
    }
    if (c === '\n' && heredocs.length > 0) {
      endWord();
      i++;
      for (const delim of heredocs.splice(0)) {
        let body = '';
        while (i < n) {
          const j = s.indexOf('\n', i);
          const line = s.slice(i, j < 0 ? n : j);
          i = j < 0 ? n : j + 1;
          if (line.trim() === delim) break;
          body += line + '\n';
        }
        argv.push(body);
      }
      endCmd();
      continue;
    }
    if (c === '<' || c === '>') {
      endWord(); // the redirection target becomes an argument: it is a file the command touches
      i++;
      while (s[i] === '>' || s[i] === '&' || s[i] === '|') {
        if (s[i] === '&') while (i + 1 < n && /[0-9-]/.test(s[i + 1]!)) i++;
        i++;
      }
      continue;
    }
    if (SEPARATORS.has(c)) {
      endCmd();
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    // Plain run of word characters.
    let j = i + 1;
    while (j < n && !isSpecial(s.charCodeAt(j))) j++;
    if (s[j] === '#') j++; // `#` inside a word is not a comment
    word = (word ?? '') + s.slice(i, j);
    i = j;
  }
  endCmd();
  return cmds;
}
