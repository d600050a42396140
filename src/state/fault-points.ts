// Named points in the state's write paths where tests make I/O fail or the process die, to prove
// that a failure at any of them loses and doubles nothing. Inert unless a test sets a hook or
// CCOTEL_TEST_FAULT ("<point>" = SIGKILL there, "<point>=ENOSPC" = that errno there, "<point>@3" = at
// its third pass only; several comma-separated).
type FaultHook = (point: string) => void;

let hook: FaultHook | undefined = fromEnv(process.env.CCOTEL_TEST_FAULT);

export function setFaultHook(h: FaultHook | undefined): void {
  hook = h;
}

export function faultPoint(point: string): void {
  hook?.(point);
}

export function errnoError(code: string, point: string): NodeJS.ErrnoException {
  const err = new Error(`${code}: injected at ${point}`) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

function fromEnv(spec: string | undefined): FaultHook | undefined {
  if (!spec) return undefined;
  const rules = new Map<string, { code: string | undefined; pass: number }>();
  for (const part of spec.split(',')) {
    const [at, code] = part.split('=');
    const [point, pass] = (at ?? '').split('@');
    if (point) rules.set(point.trim(), { code: code?.trim() || undefined, pass: Number(pass ?? 1) });
  }
  return (point) => {
    const rule = rules.get(point);
    if (!rule || --rule.pass > 0) return;
    if (rule.code) throw errnoError(rule.code, point);
    process.kill(process.pid, 'SIGKILL');
  };
}
