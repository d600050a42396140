// Hosts for external_fetch: the host a URL-ish argument names, and whether an allowlist covers it.
// Default: loopback only. Users add hosts (`api.example.com`), domains (`*.example.com`,
// `.example.com`) and IPv4 ranges (`10.0.0.0/8`).

export const DEFAULT_HOST_ALLOWLIST: readonly string[] = ['localhost', '*.localhost', '127.0.0.0/8', '::1'];

/** The host of a URL or `host[:port][/path]` argument; '' for httpie's `:port` shorthand (localhost). */
export function hostOf(arg: string): string | undefined {
  let a = arg.trim();
  if (a.startsWith(':')) return 'localhost';
  const scheme = a.indexOf('://');
  if (scheme >= 0) a = a.slice(scheme + 3);
  else if (!/^[A-Za-z0-9[]/.test(a)) return undefined;
  const at = a.search(/[@/?#]/);
  if (at >= 0 && a[at] === '@') a = a.slice(at + 1);
  let host: string;
  if (a.startsWith('[')) host = a.slice(1, Math.max(1, a.indexOf(']')));
  else host = a.split(/[/:?#]/, 1)[0]!;
  host = host.toLowerCase();
  if (scheme < 0 && !(host === 'localhost' || host.includes('.') || host.includes(':'))) return undefined;
  return host || undefined;
}

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** Checks one allowlist entry's syntax; the reason when it is not a host, domain or IPv4 range. */
export function checkHostPattern(p: string): string | undefined {
  if (p.includes('/')) {
    const [ip, bits] = p.split('/');
    if (ipv4(ip!) === undefined || !/^\d{1,2}$/.test(bits!) || Number(bits) > 32) return `"${p}" is not an IPv4 range like 10.0.0.0/8`;
    return undefined;
  }
  if (!/^(\*\.|\.)?[A-Za-z0-9.:-]+$/.test(p)) return `"${p}" is not a host, *.domain or IPv4 range`;
  return undefined;
}

export function hostAllowed(host: string, allow: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  const ip = ipv4(h);
  for (const p of allow) {
    const q = p.toLowerCase();
    if (q.includes('/')) {
      if (ip === undefined) continue;
      const [base, bits] = q.split('/');
      const b = ipv4(base!);
      const n = Number(bits);
      const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
      if (b !== undefined && (ip & mask) >>> 0 === (b & mask) >>> 0) return true;
    } else if (q.startsWith('*.') || q.startsWith('.')) {
      const d = q.slice(q.indexOf('.'));
      if (h.endsWith(d) || h === d.slice(1)) return true;
    } else if (h === q) return true;
  }
  return false;
}
