/**
 * A small JSON Schema (draft-07) validator for the keywords the Compose Specification schema uses
 * (test/fixtures/compose-spec/compose-spec.json). No validator library is a dependency of this
 * project; rather than skip a keyword silently, an unknown one throws, so a newer schema that needs
 * more fails loudly here instead of passing anything.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = boolean | { [k: string]: Json };

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', 'deprecated', '$comment', 'examples', 'definitions']);
const KNOWN = new Set([
  ...ANNOTATIONS,
  'type', '$ref', 'properties', 'patternProperties', 'additionalProperties', 'required', 'items',
  'oneOf', 'anyOf', 'allOf', 'not', 'enum', 'const', 'uniqueItems', 'minimum', 'maximum', 'pattern',
  'minItems', 'maxItems', 'minLength', 'format',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Returns the errors (empty when valid), each as "<json pointer>: <reason>". */
export function validateJsonSchema(root: Schema, value: unknown): string[] {
  const resolve = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    return node as Schema;
  };

  const check = (schema: Schema, v: unknown, path: string): string[] => {
    if (schema === true) return [];
    if (schema === false) return [`${path}: not allowed`];
    for (const k of Object.keys(schema)) {
      if (!KNOWN.has(k)) throw new Error(`JSON Schema keyword ${k} at ${path} is not supported by this validator`);
    }
    const errs: string[] = [];
    if (typeof schema['$ref'] === 'string') errs.push(...check(resolve(schema['$ref']), v, path));
    const t = schema['type'];
    if (t !== undefined) {
      const types = Array.isArray(t) ? (t as string[]) : [t as string];
      if (!types.some((x) => typeMatches(v, x))) return [...errs, `${path}: expected ${types.join('|')}, got ${typeOf(v)}`];
    }
    if (Array.isArray(schema['enum']) && !schema['enum'].some((e) => equal(e, v))) errs.push(`${path}: ${JSON.stringify(v)} is not one of ${JSON.stringify(schema['enum'])}`);
    if ('const' in schema && !equal(schema['const'], v)) errs.push(`${path}: must be ${JSON.stringify(schema['const'])}`);
    if (typeof v === 'number') {
      if (typeof schema['minimum'] === 'number' && v < schema['minimum']) errs.push(`${path}: below ${schema['minimum']}`);
      if (typeof schema['maximum'] === 'number' && v > schema['maximum']) errs.push(`${path}: above ${schema['maximum']}`);
    }
    if (typeof v === 'string') {
      if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(v)) errs.push(`${path}: does not match ${schema['pattern']}`);
      if (typeof schema['minLength'] === 'number' && [...v].length < schema['minLength']) errs.push(`${path}: shorter than ${schema['minLength']}`);
    }
    if (Array.isArray(v)) {
      if (schema['items'] !== undefined) {
        if (Array.isArray(schema['items'])) throw new Error(`tuple items at ${path} not supported`);
        v.forEach((item, i) => errs.push(...check(schema['items'] as Schema, item, `${path}/${i}`)));
      }
      if (schema['uniqueItems'] === true) {
        const seen = new Set(v.map((x) => JSON.stringify(x)));
        if (seen.size !== v.length) errs.push(`${path}: items are not unique`);
      }
      if (typeof schema['minItems'] === 'number' && v.length < schema['minItems']) errs.push(`${path}: fewer than ${schema['minItems']} items`);
      if (typeof schema['maxItems'] === 'number' && v.length > schema['maxItems']) errs.push(`${path}: more than ${schema['maxItems']} items`);
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const obj = v as Record<string, unknown>;
      for (const r of (schema['required'] as string[] | undefined) ?? []) if (!(r in obj)) errs.push(`${path}: missing required ${r}`);
      const props = (schema['properties'] ?? {}) as Record<string, Schema>;
      const patterns = Object.entries((schema['patternProperties'] ?? {}) as Record<string, Schema>).map(([p, s]) => [new RegExp(p, 'u'), s] as const);
      for (const [k, val] of Object.entries(obj)) {
        let matched = false;
        if (k in props) {
          matched = true;
          errs.push(...check(props[k]!, val, `${path}/${k}`));
        }
        for (const [re, s] of patterns) {
          if (re.test(k)) {
            matched = true;
            errs.push(...check(s, val, `${path}/${k}`));
          }
        }
        if (!matched && schema['additionalProperties'] !== undefined) errs.push(...check(schema['additionalProperties'] as Schema, val, `${path}/${k}`).map((e) => (schema['additionalProperties'] === false ? `${path}: unknown property ${k}` : e)));
      }
    }
    if (Array.isArray(schema['allOf'])) for (const s of schema['allOf'] as Schema[]) errs.push(...check(s, v, path));
    if (Array.isArray(schema['anyOf']) && !(schema['anyOf'] as Schema[]).some((s) => check(s, v, path).length === 0)) errs.push(`${path}: matches none of anyOf`);
    if (Array.isArray(schema['oneOf'])) {
      const results = (schema['oneOf'] as Schema[]).map((s) => check(s, v, path));
      const ok = results.filter((r) => r.length === 0).length;
      if (ok !== 1) errs.push(`${path}: matches ${ok} of oneOf (exactly 1 required)${ok === 0 ? `: ${results.map((r) => r[0]).join('; ')}` : ''}`);
    }
    if (schema['not'] !== undefined && check(schema['not'] as Schema, v, path).length === 0) errs.push(`${path}: matches a forbidden schema`);
    return errs;
  };

  return check(root, value, '');
}
