// service.instance.id: a real UUID v5 (checked against Python's uuid module values), stable per
// machine and user, different across machines and users; OTEL_RESOURCE_ATTRIBUTES still wins.
import { describe, expect, it } from 'vitest';
import { buildResource, serviceInstanceId, uuidV5 } from '../src/export/resource.js';

describe('resource', () => {
  it('computes RFC 9562 UUID v5 values', () => {
    // python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, "ccotel"))'
    expect(uuidV5('ccotel', '6ba7b811-9dad-11d1-80b4-00c04fd430c8')).toBe('9d7ff8f6-9bd1-5cab-b307-74f6369d7261');
    // python3 -c 'import uuid; print(uuid.uuid5(uuid.UUID("9d7ff8f6-9bd1-5cab-b307-74f6369d7261"), "m\0" "1000"))'
    expect(serviceInstanceId('m', '1000')).toBe('6b63723b-a1b1-5c81-95c4-bf387b60b5a5');
  });

  it('is stable per machine and user, distinct across machines and users', () => {
    expect(serviceInstanceId('machine-a', '1000')).toBe(serviceInstanceId('machine-a', '1000'));
    expect(serviceInstanceId('machine-a', '1000')).not.toBe(serviceInstanceId('machine-b', '1000'));
    expect(serviceInstanceId('machine-a', '1000')).not.toBe(serviceInstanceId('machine-a', '1001'));
    const a = buildResource(undefined).attributes['service.instance.id'];
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(buildResource(undefined).attributes['service.instance.id']).toBe(a);
  });

  it('lets OTEL_RESOURCE_ATTRIBUTES override it', () => {
    const before = process.env.OTEL_RESOURCE_ATTRIBUTES;
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'service.instance.id=laptop-1';
    try {
      expect(buildResource(undefined).attributes['service.instance.id']).toBe('laptop-1');
    } finally {
      if (before === undefined) delete process.env.OTEL_RESOURCE_ATTRIBUTES;
      else process.env.OTEL_RESOURCE_ATTRIBUTES = before;
    }
  });
});
