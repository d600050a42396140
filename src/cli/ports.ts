import { UserError } from '../errors.js';

/** A TCP port from the command line. */
export function parsePort(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UserError(`${name} must be a port number from 1 to 65535 (got "${v}")`);
  return n;
}
