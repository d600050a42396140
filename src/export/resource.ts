// The resource every span and metric carries: service.name (default claude-code), user and host,
// a stable service.instance.id, plus OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME (team, ...).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { envDetector, resourceFromAttributes, detectResources, type Resource } from '@opentelemetry/resources';
import { VERSION } from '../version.js';

export function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** The OS's stable machine id (systemd/dbus); the host name where there is none (macOS, containers). */
function machineId(): string {
  for (const p of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(p, 'utf8').trim();
      if (id) return id;
    } catch {
      // next candidate
    }
  }
  return `host:${hostname()}`;
}

// UUID v5 namespace for ccotel instance ids (itself a v5 UUID of "ccotel" in the URL namespace).
const NAMESPACE = '9d7ff8f6-9bd1-5cab-b307-74f6369d7261';

/** RFC 9562 UUID v5: SHA-1 of namespace + name, with the version and variant bits set. */
export function uuidV5(name: string, namespace: string = NAMESPACE): string {
  const h = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * Stable per machine and OS user: the same across restarts and reinstalls, different for two
 * machines of one user (or two users of one machine), so their series never merge.
 */
export function serviceInstanceId(machine: string = machineId(), uid: string = String(process.getuid?.() ?? osUserName())): string {
  return uuidV5(`${machine}\0${uid}`);
}

export function buildResource(serviceName: string | undefined): Resource {
  const base = resourceFromAttributes({
    'service.name': serviceName ?? 'claude-code',
    'service.instance.id': serviceInstanceId(),
    'user.name': osUserName(),
    'host.name': hostname(),
    'telemetry.distro.name': 'ccotel',
    'telemetry.distro.version': VERSION,
  });
  // Environment wins over defaults (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), as in the SDKs.
  return base.merge(detectResources({ detectors: [envDetector] }));
}
