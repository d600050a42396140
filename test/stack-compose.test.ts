// deploy/docker-compose.yml without a Docker engine: valid against the Compose Specification JSON
// schema (vendored from github.com/compose-spec/compose-spec, schema/compose-spec.json at commit
// 170098ba07d9f53c383a41bfd4c5166b0a4529a6), pinned
// images whose versions are the ones the native harness tests, ports on 127.0.0.1 by default,
// healthchecks, named volumes, and the very config files the native harness runs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateJsonSchema } from './support/stack-json-schema.js';
import { DEPLOY, PROMETHEUS_FLAGS, REPO_ROOT, STACK_CONFIG_FILES } from './support/stack.js';

const COMPOSE = join(DEPLOY, 'docker-compose.yml');
const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'compose-spec', 'compose-spec.json'), 'utf8'));
const raw = readFileSync(COMPOSE, 'utf8');

/** Compose interpolation of ${VAR:-default} / ${VAR} with an empty environment (what `docker compose config` does). */
function interpolate(text: string, env: Record<string, string> = {}): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (_, name: string, def: string | undefined) => env[name] ?? def ?? '');
}

interface Service {
  image: string;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  command?: string[];
}
const compose = parse(interpolate(raw)) as { services: Record<string, Service>; volumes: Record<string, unknown> };

describe('deploy/docker-compose.yml', () => {
  it('is valid against the Compose Specification schema (before and after interpolation)', () => {
    expect(validateJsonSchema(schema, parse(raw))).toEqual([]);
    expect(validateJsonSchema(schema, compose)).toEqual([]);
  });

  it('the schema check catches mistakes (a misspelt key, a wrong type, an unknown service field)', () => {
    const broken = structuredClone(compose) as any;
    broken.services.prometheus.healthcheck.intervall = '10s';
    broken.services.jaeger.ports = 16686;
    broken.services.grafana.imagee = 'x';
    const errs = validateJsonSchema(schema, broken);
    expect(errs.some((e) => e.includes('/services/prometheus/healthcheck') && e.includes('intervall'))).toBe(true);
    expect(errs.some((e) => e.includes('/services/jaeger/ports'))).toBe(true);
    expect(errs.some((e) => e.includes('/services/grafana') && e.includes('imagee'))).toBe(true);
  });

  it('runs the collector, Prometheus, Alertmanager, Jaeger and Grafana with pinned images', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'grafana', 'jaeger', 'otel-collector', 'prometheus']);
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+$/);
    }
  });

  it('pins the versions the native harness tests: collector = builder, Prometheus, Jaeger, Alertmanager', () => {
    const tag = (svc: string): string => compose.services[svc]!.image.split(':')[1]!.replace(/^v/, '');
    const builder = readFileSync(join(DEPLOY, 'collector', 'builder-config.yaml'), 'utf8');
    expect(builder).toContain(`version: ${tag('otel-collector')}-ccotel`);
    expect(readFileSync(join(REPO_ROOT, 'scripts', 'build-prometheus.sh'), 'utf8')).toMatch(new RegExp(`^VERSION=${tag('prometheus')}$`, 'm'));
    expect(readFileSync(join(REPO_ROOT, 'scripts', 'build-jaeger.sh'), 'utf8')).toMatch(new RegExp(`^VERSION=${tag('jaeger')}$`, 'm'));
    expect(readFileSync(join(REPO_ROOT, 'scripts', 'install-alertmanager.sh'), 'utf8')).toMatch(new RegExp(`^ALERTMANAGER_VERSION=${tag('alertmanager')}$`, 'm'));
  });

  it('binds every published port to 127.0.0.1 unless CCOTEL_BIND says otherwise', () => {
    const rawDoc = parse(raw) as { services: Record<string, Service> };
    for (const [name, s] of Object.entries(rawDoc.services)) {
      for (const p of s.ports ?? []) expect(p, name).toMatch(/^\$\{CCOTEL_BIND:-127\.0\.0\.1\}:\d+:\d+$/);
    }
    for (const s of Object.values(compose.services)) for (const p of s.ports ?? []) expect(p.startsWith('127.0.0.1:')).toBe(true);
  });

  it('has a healthcheck for every service but the collector (no shell in its image; Prometheus watches it)', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (name === 'otel-collector') {
        expect(s.healthcheck?.disable).toBe(true);
        continue;
      }
      expect(s.healthcheck?.test?.[0], name).toBe('CMD');
    }
  });

  it('keeps data in named volumes that are declared', () => {
    const named = Object.values(compose.services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(':')[0]!).filter((src) => !src.startsWith('.')));
    expect(named.sort()).toEqual(Object.keys(compose.volumes).sort());
    expect(named.length).toBeGreaterThanOrEqual(3);
  });

  it('mounts exactly the config files the native harness runs', () => {
    const mounted = new Set<string>();
    for (const s of Object.values(compose.services)) {
      for (const v of s.volumes ?? []) {
        const src = v.split(':')[0]!;
        if (!src.startsWith('.')) continue;
        const abs = resolve(dirname(COMPOSE), src);
        expect(existsSync(abs), `${src} (mounted) does not exist`).toBe(true);
        mounted.add(abs);
      }
    }
    const harness = new Set(Object.values(STACK_CONFIG_FILES).map((p) => resolve(p)));
    // Grafana is the one service the harness cannot run here (no registry serves it).
    mounted.delete(resolve(DEPLOY, 'grafana', 'provisioning'));
    mounted.delete(resolve(DEPLOY, '..', 'dashboards')); // Grafana's dashboards (test/dashboards*.test.ts)
    expect([...mounted].sort()).toEqual([...harness].sort());
  });

  it('points the collector at the compose services its config defaults to', () => {
    const col = readFileSync(STACK_CONFIG_FILES.collector, 'utf8');
    expect(col).toContain('${env:PROMETHEUS_OTLP_ENDPOINT:-http://prometheus:9090/api/v1/otlp/v1/metrics}');
    expect(col).toContain('${env:TRACES_OTLP_ENDPOINT:-http://jaeger:4318}');
    // Prometheus runs with the same flags in compose and in the native harness (paths and addresses aside).
    const flags = compose.services.prometheus!.command!.filter((f) => !/^--(config\.file|storage\.tsdb\.path|storage\.tsdb\.retention\.time)=/.test(f));
    expect(flags.sort()).toEqual([...PROMETHEUS_FLAGS].sort());
    const prom = readFileSync(STACK_CONFIG_FILES.prometheus, 'utf8');
    for (const target of ['otel-collector:8888', 'alertmanager:9093', 'jaeger:8888']) {
      const [svc] = target.split(':');
      expect(prom).toContain(target);
      expect(Object.keys(compose.services)).toContain(svc);
    }
  });

  it('provisions Grafana datasources for Prometheus and Jaeger at their compose addresses', () => {
    const ds = parse(readFileSync(join(DEPLOY, 'grafana', 'provisioning', 'datasources', 'datasources.yml'), 'utf8')) as {
      datasources: { type: string; url: string; uid: string }[];
    };
    expect(ds.datasources.map((d) => [d.type, d.url])).toEqual([
      ['prometheus', 'http://prometheus:9090'],
      ['jaeger', 'http://jaeger:16686'],
    ]);
  });
});
