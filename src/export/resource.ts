// The resource every span and metric carries: service.name (default claude-code), user and host,
// plus OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME (team, environment, ...).
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

export function buildResource(serviceName: string | undefined): Resource {
  const base = resourceFromAttributes({
    'service.name': serviceName ?? 'claude-code',
    'user.name': osUserName(),
    'host.name': hostname(),
    'telemetry.distro.name': 'ccotel',
    'telemetry.distro.version': VERSION,
  });
  // Environment wins over defaults (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), as in the SDKs.
  return base.merge(detectResources({ detectors: [envDetector] }));
}
