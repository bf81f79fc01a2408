/**
 * Hostile input on every route the gateway publishes: the test reads the
 * gateway's own /openapi.json and, for every operation, sends a bounded
 * number of requests an outside tester could write from that description
 * alone — unknown, malformed or absurd path parameters; query parameters of
 * the wrong type, out of range, repeated or huge; JSON bodies derived from
 * the operation's request schema (or example) with a member removed, a member
 * of the wrong type, unknown members, deep nesting, huge strings, negative,
 * fractional or huge numbers, invalid dates, empty and 10 000-item arrays,
 * and entirely random JSON — signed by a client of a role the operation
 * allows, with a valid ID token where it takes one.
 *
 * Every answer is below 500 (a 503 SERVICE_UNAVAILABLE saying which upstream
 * is not configured excepted), every 4xx is problem+json with a `code`, every
 * 400 and 422 names its fields by JSON Pointer, and a refused write leaves no
 * row behind. What the walk found: node's bare 431 status line for a path too
 * long for the HTTP server (now a problem), a blank `useCause` of the
 * shared-data routes and an evidence token that does not verify refused
 * without naming the member (now `/useCause`, `/evidenceToken`), and the
 * delegation routes not declaring the ID token they need.
 *
 * `TONGBAN_HOSTILE_RUNS` (default 18 per operation) and `TONGBAN_HOSTILE_SEED`
 * explore further; `TONGBAN_HOSTILE_STATS=1` prints the statuses each
 * operation answered, to see how deep the walk gets.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { createSigningClient, type SigningClient } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { TestSessions, type TestPerson } from '../../helpers/identity.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { BIRTH_THEME, motherWith, startLicenceEnvironment, type LicenceEnvironment } from '../licences/environment.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { readonly [keyword: string]: unknown };

interface Parameter { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema; example?: unknown }
interface Operation {
  method: string;
  /** OpenAPI path, `{name}` for path parameters. */
  path: string;
  roles: string[];
  /** `x-tongban-errors`: every code the operation may answer. */
  errors: string[];
  parameters: Parameter[];
  /** The first media type of the request body and its schema and example. */
  body: { type: string; schema: Schema; example: unknown } | undefined;
}

/** One request the walker sends. */
interface HostileRequest {
  pathAndQuery: string;
  headers: Record<string, string>;
  /** The bytes sent (undefined: no body). */
  body: Buffer | undefined;
  /** What was mutated, for the failure message. */
  what: string;
}

interface Answer { status: number; contentType: string; text: string; json: Record<string, unknown> | undefined }

/** Runs per operation: many routes, so few each (the whole file stays around a minute). */
const RUNS = Number(process.env['TONGBAN_HOSTILE_RUNS'] ?? 18);
const SEED = Number(process.env['TONGBAN_HOSTILE_SEED'] ?? 20261206);
const BODY_LIMIT = 262_144;

/** A 503 is fine only when the problem says which upstream is not configured. */
const NOT_CONFIGURED = /not configured|none is configured|no .* is configured/i;

/**
 * Tables a refused request may legitimately write: the replay guard's used
 * `jti`s, the ID token's login (nonce), and the per-hour business counters.
 */
const BOOKKEEPING_TABLES = new Set(['used_jtis', 'identity_nonces', 'business_counts', 'delivery_counts', 'delivery_attempt_buckets']);

const ROLE_PREFERENCE = ['platform', 'counter', 'ops', 'department'] as const;
const CLIENT_OF_ROLE: Record<(typeof ROLE_PREFERENCE)[number], string> = { platform: 'platform', counter: 'window-meizhou', ops: 'ops', department: 'dept-gaj' };

/** Valid-looking values of path parameters by name, so that hostile queries and bodies reach the handler. */
const KNOWN_PATH_VALUES: Record<string, string> = { themeCode: 'MX-T05', dept: 'gaj', file: 'swagger-ui.css' };

// --- JSON Schema walking -----------------------------------------------------

function resolver(document: Record<string, unknown>): (node: unknown) => unknown {
  const cache = new Map<string, unknown>();
  const lookup = (ref: string): unknown => {
    let target: unknown = document;
    for (const part of ref.replace(/^#\//, '').split('/')) target = (target as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
    return target;
  };
  const resolve = (node: unknown, depth = 0): unknown => {
    if (depth > 12) return {};
    if (Array.isArray(node)) return node.map((item) => resolve(item, depth + 1));
    if (typeof node !== 'object' || node === null) return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      if (!cache.has(ref)) cache.set(ref, resolve(lookup(ref), depth + 1));
      return cache.get(ref);
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, ['example', 'examples', 'enum', 'const', 'default'].includes(key) ? value : resolve(value, depth + 1)]));
  };
  return resolve;
}

/** A plausible instance of `schema` (first branch of a union, all declared members), to mutate. */
function instanceOf(schema: Schema | undefined, depth = 0): Json {
  if (!schema || depth > 6) return null;
  if (schema['const'] !== undefined) return schema['const'] as Json;
  if (Array.isArray(schema['enum'])) return schema['enum'][0] as Json;
  if (Array.isArray(schema['examples']) && schema['examples'].length > 0) return schema['examples'][0] as Json;
  if (schema['default'] !== undefined) return schema['default'] as Json;
  for (const union of ['oneOf', 'anyOf', 'allOf']) {
    if (Array.isArray(schema[union])) {
      if (union !== 'allOf') return instanceOf(schema[union][0] as Schema, depth + 1);
      return Object.assign({}, ...(schema[union] as Schema[]).map((part) => instanceOf(part, depth + 1)).filter((part) => typeof part === 'object' && part !== null && !Array.isArray(part))) as Json;
    }
  }
  const type = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  const properties = schema['properties'] as Record<string, Schema> | undefined;
  if (type === 'object' || properties) {
    return Object.fromEntries(Object.entries(properties ?? {}).map(([name, property]) => [name, instanceOf(property, depth + 1)]));
  }
  if (type === 'array') {
    const item = instanceOf(schema['items'] as Schema | undefined, depth + 1);
    return Array.from({ length: Math.max(1, Number(schema['minItems'] ?? 1)) }, () => item);
  }
  if (type === 'integer' || type === 'number') return Number(schema['minimum'] ?? 1);
  if (type === 'boolean') return true;
  if (type === 'null') return null;
  switch (schema['format']) {
    case 'uuid': return '0b6f1a9e-0000-4000-8000-000000000001';
    case 'date': return '2026-12-01';
    case 'date-time': return '2026-12-01T09:00:00+08:00';
    case 'uri': return 'https://platform.example.cn/hook';
    default: return 'x'.repeat(Math.max(1, Number(schema['minLength'] ?? 1)));
  }
}

/** Every location inside `value`, as a list of keys from the root (the root itself is `[]`). */
function locations(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => locations(item, [...at, index]))];
  if (typeof value === 'object' && value !== null) return [...here, ...Object.entries(value).flatMap(([key, item]) => locations(item, [...at, key]))];
  return here;
}

function valueAt(value: Json, path: (string | number)[]): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, value);
}

/** `value` with the location `path` replaced by `make(old)` (undefined: removed). */
function replaced(value: Json, path: (string | number)[], make: (old: Json) => Json | undefined): Json | undefined {
  if (path.length === 0) return make(value);
  const [key, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    const next = replaced(copy[key as number]!, rest, make);
    if (next === undefined) copy.splice(key as number, 1);
    else copy[key as number] = next;
    return copy;
  }
  const copy = { ...(value as Record<string, Json>) };
  const next = replaced(copy[key as string]!, rest, make);
  if (next === undefined) delete copy[key as string];
  else copy[key as string] = next;
  return copy;
}

// --- hostile values ----------------------------------------------------------

const INVALID_DATES = ['2026-02-30', '2026-13-01', '2026-00-10', '20261201', '2026-12-01T25:61:00Z', '0000-00-00', '9999-99-99T99:99:99+99:99', 'not a date', '2026-12-01T09:00:00', '-000001-01-01'];

/** Stands for a value nested that deep, spelled out in the body's text only (JSON.stringify would overflow the test's stack). */
const NESTED_MARK = '@@nested:';

function spellNested(text: string): string {
  return text.replace(new RegExp(`"${NESTED_MARK}(\\d+)"`, 'g'), (_, depth: string) => '{"a":['.repeat(Number(depth)) + '"deep"' + ']}'.repeat(Number(depth)));
}

/** A replacement of another JSON type, a number of an absurd kind where a number (an integer 分, a level) is expected, a hostile or huge string. */
function wrongValue(): fc.Arbitrary<(old: Json) => Json> {
  const wrongType = fc.constantFrom<Json>(null, true, false, 0, -1, '', '0', [], {}, [null], { '': null }, '1', 'true');
  const badNumber = fc.oneof(
    fc.constantFrom(-1, -0.5, 0.1, 1.5, 2 ** 53 + 2, 1e21, -1e21, 1e308, Number.MIN_VALUE, 99_999_999_999),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
  );
  const badString = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(...INVALID_DATES, '../../etc/passwd', '%00', '\u0000', '\u202e', '\ud800', ' ', '00000000-0000-0000-0000-000000000000', '<script>', "' OR 1=1 --"),
    fc.integer({ min: 1000, max: 120_000 }).map((length) => '长'.repeat(length)),
  );
  return fc.oneof(
    wrongType.map((replacement) => () => replacement),
    badNumber.map((number) => () => number),
    badString.map((text) => () => text),
    fc.jsonValue({ maxDepth: 3 }).map((random) => () => random as Json),
  );
}

/** A JSON body: the base with one mutation, or entirely random JSON. */
function hostileBody(base: Json): fc.Arbitrary<{ value: Json | undefined; what: string }> {
  const where = locations(base);
  const location = fc.nat({ max: where.length - 1 }).map((index) => where[index]!);
  const objects = where.filter((path) => { const node = valueAt(base, path); return typeof node === 'object' && node !== null && !Array.isArray(node); });
  const arrays = where.filter((path) => Array.isArray(valueAt(base, path)));
  const show = (path: (string | number)[]) => `/${path.join('/')}`;
  const nested = (depth: number): Json => `${NESTED_MARK}${depth}`;
  const mutations: fc.Arbitrary<{ value: Json | undefined; what: string }>[] = [
    fc.constant({ value: base, what: 'the base body' }),
    location.filter((path) => path.length > 0).map((path) => ({ value: replaced(base, path, () => undefined), what: `removed ${show(path)}` })),
    fc.tuple(location, wrongValue()).map(([path, make]) => ({ value: replaced(base, path, make), what: `replaced ${show(path)}` })),
    fc.tuple(location, fc.constantFrom(...INVALID_DATES)).map(([path, date]) => ({ value: replaced(base, path, () => date), what: `invalid date at ${show(path)}` })),
    fc.tuple(location, fc.integer({ min: 20, max: 5000 })).map(([path, depth]) => ({ value: replaced(base, path, () => nested(depth)), what: `nested ${depth} deep at ${show(path)}` })),
    fc.jsonValue({ maxDepth: 5 }).map((value) => ({ value: value as Json, what: 'random JSON' })),
    fc.constantFrom<Json>(null, [], {}, '', 0, 'x', [{}]).map((value) => ({ value, what: 'a bare value' })),
  ];
  if (objects.length > 0) {
    const object = fc.constantFrom(...objects);
    mutations.push(fc.tuple(object, fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { minKeys: 1, maxKeys: 5 }))
      .map(([path, extra]) => ({ value: replaced(base, path, (old) => ({ ...(old as Record<string, Json>), ...extra })), what: `unknown members at ${show(path)}` })));
    mutations.push(fc.tuple(object, fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'))
      .map(([path, name]) => ({ value: replaced(base, path, (old) => JSON.parse(JSON.stringify(old).replace(/^\{/, `{"${name}":{"polluted":true},`).replace(/,\}$/, '}')) as Json), what: `member ${name} at ${show(path)}` })));
  }
  if (arrays.length > 0) {
    const array = fc.constantFrom(...arrays);
    mutations.push(array.map((path) => ({ value: replaced(base, path, () => []), what: `empty array at ${show(path)}` })));
    mutations.push(fc.tuple(array, fc.constantFrom<'copies' | 'numbers' | 'strings'>('copies', 'numbers', 'strings')).map(([path, kind]) => ({
      value: replaced(base, path, (old) => {
        const first = (old as Json[])[0] ?? 1;
        const item = kind === 'copies' ? first : kind === 'numbers' ? 7 : 'x';
        return Array.from({ length: 10_000 }, () => item);
      }),
      what: `10 000 ${kind} at ${show(path)}`,
    })));
  }
  return fc.oneof(...mutations);
}

/** A path parameter: valid-looking, unknown, absurd, or not decodable. Returned percent-encoded (or raw on purpose). */
function hostilePathValue(known: readonly string[]): fc.Arbitrary<string> {
  const encoded = (text: fc.Arbitrary<string>) => text.map((value) => encodeURIComponent(value));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: encoded(fc.string({ maxLength: 40 })) },
    { weight: 1, arbitrary: encoded(fc.string({ unit: 'grapheme', maxLength: 30 })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3500 }).map((length) => 'a'.repeat(length)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }).map((length) => encodeURIComponent('证'.repeat(length))) },
    { weight: 2, arbitrary: fc.constantFrom('..', '.', '%2e%2e', '%00', 'a%00b', '%2F', 'a%2Fb', '%5C', '%', '%ZZ', '%C0%AF', '%ED%A0%80', '%EF%BF%BF', '%F0%9F%98%80', '%20', '~', 'null', 'undefined', '-1', '0', '1e999', 'NaN', '%E2%80%AE') },
    { weight: 1, arbitrary: fc.oneof(fc.integer().map(String), fc.double().map(String), fc.bigInt().map(String)) },
    { weight: 2, arbitrary: fc.oneof(fc.uuid(), fc.uuid().map((uuid) => uuid.toUpperCase()), fc.constant('00000000-0000-0000-0000-000000000000'), fc.uuid().map((uuid) => `${uuid}x`), fc.uuid().map((uuid) => uuid.replaceAll('-', ''))) },
  );
}

/** A query value for a declared parameter: valid, of the wrong type, out of range, huge. */
function hostileQueryValue(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(valid) },
    { weight: 2, arbitrary: fc.constantFrom('', ' ', '-1', '0', '1.5', '1e400', '99999999999999999999999', 'NaN', 'Infinity', 'null', 'true', '[]', '{}', '0x10', '+1', ' 1', '1 ', '٣', '１', ...INVALID_DATES.slice(0, 4)) },
    { weight: 1, arbitrary: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map(String) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.integer({ min: 200, max: 3000 }).map((length) => 'q'.repeat(length)) },
  );
}

/** The query string of `pairs`, and how to show it. */
function queryOf(pairs: string[][]): { query: string; what: string } {
  const query = new URLSearchParams(pairs as [string, string][]).toString();
  return { query: query ? `?${query}` : '', what: pairs.length ? `query ${pairs.map(([name, value]) => `${name}=${value!.slice(0, 60)}`).join('&')}` : 'no query' };
}

/** The declared query parameters, each left out, valid, hostile, repeated or bracketed; and maybe one nobody declared. */
function hostileQuery(operation: Operation, valid: (parameter: Parameter) => string): fc.Arbitrary<{ query: string; what: string }> {
  const declared = operation.parameters.filter((parameter) => parameter.in === 'query');
  const entry = (parameter: Parameter) => {
    const value = hostileQueryValue(valid(parameter));
    return fc.oneof(
      { weight: parameter.required ? 1 : 3, arbitrary: fc.constant<string[][]>([]) },
      { weight: 4, arbitrary: value.map((text) => [[parameter.name, text]]) },
      { weight: 1, arbitrary: fc.tuple(value, value).map(([first, second]) => [[parameter.name, first], [parameter.name, second]]) },
      { weight: 1, arbitrary: value.map((text) => [[`${parameter.name}[]`, text], [`${parameter.name}[a]`, text]]) },
    );
  };
  const extra = fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 20 })).map(([name, value]) => [[name, value]]), { nil: [] as string[][] });
  return fc.tuple(fc.tuple(...declared.map(entry)), extra).map(([entries, more]) => queryOf([...entries.flat(), ...more]));
}

// --- the walk ----------------------------------------------------------------

function takesIdToken(operation: Operation): boolean {
  return operation.parameters.some((parameter) => parameter.in === 'header' && parameter.name === 'Tongban-Id-Token');
}

/** Whether `operation` ends a record (revokes or deletes it). */
function ending(operation: Operation): boolean {
  return operation.method === 'DELETE' || operation.path.endsWith('/revoke');
}

function operationsOf(document: Record<string, unknown>): Operation[] {
  const resolve = resolver(document);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document['paths'] as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, raw] of Object.entries(item)) {
      const operation = resolve(raw) as Record<string, unknown>;
      const content = (operation['requestBody'] as { content?: Record<string, { schema?: Schema; example?: unknown }> } | undefined)?.content;
      const [type, media] = Object.entries(content ?? {})[0] ?? [];
      operations.push({
        method: method.toUpperCase(), path,
        roles: operation['x-tongban-roles'] as string[],
        parameters: (operation['parameters'] as Parameter[] | undefined) ?? [],
        errors: (operation['x-tongban-errors'] as string[] | undefined) ?? [],
        body: type === undefined ? undefined : { type, schema: media?.schema ?? {}, example: media?.example },
      });
    }
  }
  return operations;
}

const sqlite = storeFixtures().find((fixture) => fixture.name === 'sqlite')!;

describe('every route of /openapi.json: hostile input never answers 5xx (SQLite)', function () {
  this.timeout(60_000);
  let env: LicenceEnvironment;
  let operations: Operation[] = [];
  const clients = new Map<string, SigningClient>();
  let sessions: TestSessions;
  /** The person logged in wherever an operation takes an ID token: a mother of the licence library's population. */
  let person: TestPerson;
  /** Ids of records made in `before`, so that some path parameters name something that exists. */
  const madeIds: string[] = [];
  let tables: string[] = [];

  before(async function () {
    this.timeout(120_000);
    env = await startLicenceEnvironment(sqlite, { env: { TONGBAN_BODY_LIMIT_BYTES: String(BODY_LIMIT), TONGBAN_DISPATCHER: 'false' } });
    const document = await (await fetch(`${env.gateway.url}/openapi.json`)).json() as Record<string, unknown>;
    // Revocations and deletions last: the records made below serve the other operations first.
    operations = operationsOf(document).sort((a, b) => Number(ending(a)) - Number(ending(b)));
    for (const [role, clientId] of Object.entries(CLIENT_OF_ROLE)) clients.set(role, createSigningClient({ baseUrl: env.gateway.url, clientId, key: await devKey(clientId) }));
    sessions = new TestSessions(env.gateway.url);
    const mother = motherWith(env.library, ['residentIdCard', 'birthCertificate', 'marriageCertificate']);
    person = { idNumber: mother.idNumber, name: mother.licences[0]!.holder.name };
    tables = (await env.gateway.store.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).rows.map((row) => row.name);
    await makeRecords();
  });
  after(async function () {
    await env?.close();
    await sqlite.cleanup(allPassed(this.test!.parent!));
  });

  /** A webhook endpoint and an authorisation of the person, so that routes on `{id}` find something. */
  async function makeRecords(): Promise<void> {
    const platform = clients.get('platform')!;
    const idToken = await sessions.idToken(platform, person);
    const made = [
      await platform.request('POST', '/v1/webhooks', { body: { url: 'https://platform.example.cn/tongban/events', eventTypes: ['application.received'] } }),
      await platform.request('POST', '/v1/authorizations', { idToken, body: {
        holder: { code: person.idNumber, type: 'citizen' }, licenceTypes: ['residentIdCard', 'birthCertificate', 'marriageCertificate'],
        purpose: { themeCode: BIRTH_THEME, description: '办理婴儿出生一件事' }, expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        consent: { method: 'face-recognition', at: new Date().toISOString() },
      } }),
    ];
    for (const answer of made) {
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      madeIds.push(String((answer.body as { id: string }).id));
    }
  }

  /** Row counts of every table but the bookkeeping ones, in one statement. */
  async function rowCounts(): Promise<Record<string, number>> {
    const counted = tables.filter((table) => !BOOKKEEPING_TABLES.has(table));
    const { rows } = await env.gateway.store.query<Record<string, number>>(`SELECT ${counted.map((table) => `(SELECT COUNT(*) FROM "${table}") AS "${table}"`).join(', ')}`);
    return rows[0]!;
  }

  /** `example` about the logged-in person and their authorisation, so that a mutated body is refused for the mutation alone. */
  function personalised(example: Json): Json {
    const body = JSON.parse(JSON.stringify(example)
      .replace(/"\d{17}[\dX]"/g, JSON.stringify(person.idNumber))
      .replace(/"authorizationId":"[^"]*"/g, `"authorizationId":${JSON.stringify(madeIds[1])}`)) as Json;
    // The examples answer the questions of the full mappings; the minimal ones of this gateway ask none.
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && typeof body['answers'] === 'object') body['answers'] = {};
    return body;
  }

  function callerOf(operation: Operation): { role: string; client: SigningClient } | undefined {
    const role = ROLE_PREFERENCE.find((candidate) => operation.roles.includes(candidate));
    return role === undefined ? undefined : { role, client: clients.get(role)! };
  }

  /** A value of a query parameter that the route accepts (the logged-in person, their authorisation, the birth theme), else the declared example. */
  function validQueryValue(parameter: Parameter): string {
    const known: Record<string, string> = {
      holderCode: person.idNumber, holderType: 'citizen', licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: madeIds[1]!, useCause: '办理婴儿出生一件事', month: '2026-11',
    };
    return known[parameter.name] ?? String(parameter.example ?? instanceOf(parameter.schema));
  }

  /**
   * Hostile requests for `operation`: mostly one part hostile (path, query or
   * body) and the others as the route accepts them, so that each part is
   * read by the route rather than refused for another; sometimes all at once.
   */
  function requests(operation: Operation): fc.Arbitrary<HostileRequest> {
    const pathParameters = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => operation.parameters.find((parameter) => parameter.in === 'path' && parameter.name === match[1])
      ?? { name: match[1]!, in: 'path' as const });
    const known = (parameter: Parameter) => KNOWN_PATH_VALUES[parameter.name] !== undefined ? [KNOWN_PATH_VALUES[parameter.name]!] : [String(instanceOf(parameter.schema)), ...madeIds];
    const pathWith = (values: readonly string[]) => { let index = 0; return operation.path.replace(/\{[^}]+\}/g, () => values[index++]!); };
    const validPath = fc.tuple(...pathParameters.map((parameter) => fc.constantFrom(...known(parameter)))).map(pathWith);
    const hostilePath = fc.tuple(...pathParameters.map((parameter) => hostilePathValue(known(parameter)))).map(pathWith);
    const validQuery = fc.constant(queryOf(operation.parameters.filter((parameter) => parameter.in === 'query' && parameter.required).map((parameter) => [parameter.name, validQueryValue(parameter)])));
    const query = hostileQuery(operation, validQueryValue);
    const idempotency = operation.parameters.some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key')
      ? fc.oneof({ weight: 4, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.stringMatching(/^[ -~]{0,300}$/) }).map((key) => ({ 'idempotency-key': key }))
      : fc.constant({});
    const body = bodyOf(operation);
    const validBody = bodyOf(operation, false);
    const hostile = (aspect: string, parts: [fc.Arbitrary<string>, fc.Arbitrary<{ query: string; what: string }>, typeof body]) =>
      fc.tuple(...parts, idempotency).map(([pathValue, chosen, sent, headers]) => ({
        pathAndQuery: `${pathValue}${chosen.query}`,
        headers: { ...headers, ...sent.headers },
        body: sent.bytes,
        what: `hostile ${aspect}; ${chosen.what}; body: ${sent.what}`,
      }));
    return fc.oneof(
      hostile('path', [hostilePath, validQuery, validBody]),
      hostile('query', [validPath, query, validBody]),
      { weight: operation.body ? 3 : 0, arbitrary: hostile('body', [validPath, validQuery, body]) },
      hostile('everything', [hostilePath, query, body]),
    );
  }

  /** The body of `operation`: mutated (`hostile`), or the example (or schema instance) about the logged-in person. */
  function bodyOf(operation: Operation, hostile = true): fc.Arbitrary<{ bytes: Buffer | undefined; headers: Record<string, string>; what: string }> {
    if (!operation.body) return fc.constant({ bytes: undefined, headers: {}, what: 'none' });
    if (operation.body.type !== 'application/json') {
      // A file upload: random bytes as the declared type, or as another one.
      return fc.tuple(fc.uint8Array({ maxLength: 4096 }), fc.constantFrom(operation.body.type, 'application/pdf', 'image/png', 'application/json', 'text/plain'))
        .map(([bytes, type]) => ({ bytes: Buffer.from(bytes), headers: { 'content-type': type }, what: `${bytes.length} random bytes as ${type}` }));
    }
    const base = personalised((operation.body.example ?? instanceOf(operation.body.schema)) as Json);
    return (hostile ? hostileBody(base) : fc.constant({ value: base as Json | undefined, what: 'the base body' })).map(({ value, what }) => {
      const text = value === undefined ? '' : spellNested(JSON.stringify(value));
      return { bytes: Buffer.from(text), headers: { 'content-type': 'application/json' }, what: `${what} (${text.length} chars)` };
    });
  }

  async function send(operation: Operation, request: HostileRequest): Promise<Answer> {
    const caller = callerOf(operation);
    let status: number; let contentType: string; let text: string;
    if (caller === undefined) {
      const response = await fetch(env.gateway.url + request.pathAndQuery, { method: operation.method, headers: request.headers, body: request.body });
      status = response.status; contentType = response.headers.get('content-type') ?? ''; text = await response.text();
    } else {
      const idToken = takesIdToken(operation) ? await sessions.idToken(caller.client, person) : undefined;
      const answer = await caller.client.request(operation.method, request.pathAndQuery, {
        headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }), ...(idToken === undefined ? {} : { idToken }),
      });
      status = answer.status; contentType = answer.headers['content-type'] ?? ''; text = answer.raw.toString('utf8');
    }
    let json: Record<string, unknown> | undefined;
    try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = undefined; }
    return { status, contentType, text, json };
  }

  /** What is wrong with `answer` (empty: nothing). */
  function violations(answer: Answer): string[] {
    const found: string[] = [];
    const code = answer.json?.['code'];
    if (answer.status >= 500 && !(answer.status === 503 && code === 'SERVICE_UNAVAILABLE' && NOT_CONFIGURED.test(String(answer.json?.['detail'])))) found.push(`answered ${answer.status}`);
    if (answer.status >= 400 && !/^application\/problem\+json/.test(answer.contentType)) found.push(`a ${answer.status} of content-type "${answer.contentType}"`);
    if (answer.status >= 400 && typeof code !== 'string') found.push(`a ${answer.status} without a code`);
    // A refusal of the input names the field at fault (a body that is no JSON at all has none to name).
    if ((answer.status === 400 || answer.status === 422) && code !== 'MALFORMED_JSON') {
      const errors = answer.json?.['errors'];
      if (!Array.isArray(errors) || errors.length === 0 || errors.some((error) => typeof (error as { pointer?: unknown }).pointer !== 'string')) found.push(`a ${String(code)} without a pointer for every error`);
    }
    return found;
  }

  const shorten = (text: string, length: number) => text.length <= length ? text : `${text.slice(0, length)}… (${text.length} chars)`;

  it('walks every operation the description publishes', () => {
    expect(operations.length).to.be.greaterThan(60);
    const unreachable = operations.filter((operation) => !operation.roles.includes('public') && callerOf(operation) === undefined);
    expect(unreachable.map((operation) => `${operation.method} ${operation.path}`), 'operations no test client may call').to.deep.equal([]);
    // A client written from the description alone sends the ID token where the operation declares the header
    // (the nonce a login starts with answers IDENTITY_UNAVAILABLE too, and comes before any token).
    const undeclaredIdToken = operations.filter((operation) => operation.errors.includes('IDENTITY_UNAVAILABLE') && !takesIdToken(operation) && operation.path !== '/v1/identity/nonces');
    expect(undeclaredIdToken.map((operation) => `${operation.method} ${operation.path}`), 'operations reading an ID token (they may answer IDENTITY_UNAVAILABLE) without declaring Tongban-Id-Token').to.deep.equal([]);
  });

  it('a path parameter too long for the HTTP server (the signature repeats it) → 431 problem+json REQUEST_HEADERS_TOO_LARGE, not a bare status line', async () => {
    const platform = clients.get('platform')!;
    const answer = await platform.request('GET', `/v1/authorizations/${'a'.repeat(9000)}`);
    expect(answer.status).to.equal(431);
    expect(answer.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(answer.body).to.include({ status: 431, code: 'REQUEST_HEADERS_TOO_LARGE' });
    expect(answer.headers['connection']).to.equal('close');
    // The gateway still serves the next request.
    expect((await platform.request('GET', '/v1/themes')).status).to.equal(200);
  });

  it('a refusal of a body member names it: a blank reason for use of shared data (/useCause), an evidence token that does not verify (/evidenceToken)', async () => {
    const platform = clients.get('platform')!;
    const idToken = await sessions.idToken(platform, person);
    const bodyOf = (method: string, path: string) => personalised(operations.find((operation) => operation.method === method && operation.path === path)!.body!.example as Json) as Record<string, Json>;
    const verify = await platform.request('POST', '/v1/shared-data/verify', { idToken, body: { ...bodyOf('POST', '/v1/shared-data/verify'), useCause: ' \u3000 ' } });
    expect(verify.status, JSON.stringify(verify.body)).to.equal(400);
    expect(verify.body).to.deep.include({ code: 'USE_CAUSE_REQUIRED', errors: [{ pointer: '/useCause', message: 'A reason for use (用证事由) is required: 1–200 characters, not blank' }] });
    const submission = await platform.request('POST', '/v1/applications', {
      idToken, headers: { 'idempotency-key': `hostile-${Date.now()}` }, body: { ...bodyOf('POST', '/v1/applications'), evidenceToken: 'not.a-token' },
    });
    expect(submission.status, JSON.stringify(submission.body)).to.equal(422);
    expect(submission.body).to.include({ code: 'PREFILL_EVIDENCE_INVALID' });
    expect((submission.body as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).to.deep.equal(['/evidenceToken']);
  });

  it('every operation: hostile path, query and body → < 500, problem+json with a code, pointers on 400 and 422, no row left by a refusal', async function () {
    this.timeout(Math.max(240_000, RUNS * 8000));
    const failures: string[] = [];
    const failedBefore = env.logs.lines.filter((line) => line['message'] === 'request failed').length;
    /** Answers by operation and status: a walk refused at the door (401, 403) on every request proves nothing about the route. */
    const statuses = new Map<string, Map<number, number>>();
    for (const operation of operations) {
      const writes = operation.method !== 'GET';
      const seen = new Map<number, number>();
      statuses.set(`${operation.method} ${operation.path}`, seen);
      await fc.assert(fc.asyncProperty(requests(operation), async (request) => {
        const before = writes ? await rowCounts() : undefined;
        const answer = await send(operation, request);
        seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
        const found = violations(answer);
        if (before && answer.status >= 400) {
          const after = await rowCounts();
          const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
          if (changed.length > 0) found.push(`refused with ${answer.status} but left rows in ${changed.map((table) => `${table} (${before[table]} → ${after[table]})`).join(', ')}`);
        }
        if (found.length > 0) {
          failures.push(`${operation.method} ${shorten(request.pathAndQuery, 300)} [${operation.path}] ${found.join('; ')}\n  sent: ${request.what}\n  headers: ${JSON.stringify(request.headers)}\n  body: ${shorten(request.body?.toString('utf8') ?? '', 600)}\n  answer: ${answer.status} ${shorten(answer.text, 600)}`);
        }
      }), { seed: SEED, numRuns: RUNS });
    }
    if (process.env['TONGBAN_HOSTILE_STATS']) for (const [operation, seen] of statuses) process.stdout.write(`${operation}: ${JSON.stringify(Object.fromEntries(seen))}\n`);
    expect(failures, failures.join('\n\n')).to.deep.equal([]);
    const stoppedAtTheDoor = operations.filter((operation) => !operation.roles.includes('public'))
      .map((operation) => `${operation.method} ${operation.path}`).filter((operation) => [...statuses.get(operation)!.keys()].every((status) => status === 401 || status === 403));
    expect(stoppedAtTheDoor, 'operations whose every hostile request was refused before the route read it').to.deep.equal([]);
    // A 503 for an upstream that is not configured is logged too; anything else logged as failed is a 5xx.
    const failedLines = env.logs.lines.filter((line) => line['message'] === 'request failed').slice(failedBefore).filter((line) => line['code'] !== 'SERVICE_UNAVAILABLE');
    expect(failedLines, JSON.stringify(failedLines, null, 1).slice(0, 4000)).to.deep.equal([]);
  });
});
