/**
 * `/openapi.json` is generated from the route declarations: it is a valid
 * OpenAPI 3.1 document, it has every route the gateway mounts (a test route
 * included), every catalogue error code, the signature scheme and the
 * shared headers, and its request examples are accepted by the schemas they
 * illustrate and by the validators the routes really use.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInboxAck } from '../../../adapters/department-inbox/inbox-api.js';
import { PUBLIC, type Route } from '../../../src/api/routes/route.js';
import { readDepartmentEvent } from '../../../src/cases/apply-department-event.js';
import { readSubmission } from '../../../src/cases/submit-application.js';
import { ERROR_CATALOGUE, ERROR_CODES } from '../../../src/errors/index.js';
import { validatePrefillRequest } from '../../../src/forms/prefill.js';
import type { Gateway } from '../../../src/gateway.js';
import { parseAuthorizationRequest } from '../../../src/licences/index.js';
import { createSigningClient, type SigningClient } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { startTestGateway } from '../../helpers/gateway.js';

type Operation = {
  operationId: string; summary: string; tags: string[]; security: Record<string, string[]>[]; 'x-tongban-roles': string[]; 'x-tongban-errors': string[];
  parameters: ({ $ref: string } | { name: string; in: string; required?: boolean })[];
  requestBody?: { content: Record<string, { schema: unknown; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown; examples?: Record<string, { $ref: string }> }> }>;
};
type Document = {
  openapi: string; info: { description: string }; paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }>; examples: Record<string, { value: Record<string, unknown> }>; responses: Record<string, unknown>; parameters: Record<string, { name: string; in: string }>; securitySchemes: Record<string, { type: string; in: string; name: string }> };
};

const testRoute: Route = {
  method: 'PUT', path: '/test/widgets/:widgetId', access: { roles: ['ops'] }, summary: 'A route only this test declares',
  request: { schema: { type: 'object', required: ['colour'], properties: { colour: { type: 'string' } } }, example: { colour: 'red' } },
  errors: ['CONFLICT'],
  handler: (_req, res) => { res.json({}); },
};

describe('OpenAPI description at /openapi.json', () => {
  let dir: string;
  let gateway: Gateway;
  let document: Document;
  let ops: SigningClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-openapi-'));
    ({ gateway } = await startTestGateway({ TONGBAN_SQLITE_PATH: join(dir, 'db.sqlite') }, { extraRoutes: [testRoute, { method: 'GET', path: '/test/public', access: PUBLIC, summary: 'public test route', handler: (_req, res) => { res.json({}); } }] }));
    const answer = await fetch(`${gateway.url}/openapi.json`);
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^application\/json/);
    document = await answer.json() as Document;
    ops = createSigningClient({ baseUrl: gateway.url, clientId: 'ops', key: await devKey('ops'), tongbanKeys: async () => gateway.keyring.publicKeys() });
  });
  after(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Validates a value against a schema of the document (by JSON Pointer); returns the problems. */
  function validator() {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'tongban:openapi', ...document } as object);
    return (ref: string, value: unknown) => {
      const validate = ajv.compile({ $ref: `tongban:openapi${ref}` });
      return validate(value) ? [] : validate.errors!.map((error) => `${error.instancePath} ${error.message}`);
    };
  }

  const operations = () => Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));

  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    expect(document.openapi).to.equal('3.1.0');
    // validate() dereferences in place: a broken $ref fails here too.
    await SwaggerParser.validate(structuredClone(document) as never);
  });

  it('has every route the gateway mounts, with its method, summary and roles', () => {
    const app = gateway.running.server.listeners('request').find((listener) => 'router' in listener) as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
    const mounted = app.router.stack.flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).filter((method) => method !== '_all').map((method) => ({ method, path: layer.route!.path })) : []));
    expect(mounted.length).to.be.greaterThan(30);
    for (const { method, path } of mounted) {
      const openApiPath = path.replace(/:(\w+)/g, '{$1}');
      expect(document.paths[openApiPath]?.[method], `${method.toUpperCase()} ${path}`).to.be.an('object');
    }
    expect(operations()).to.have.length(mounted.length);
    for (const expected of ['/v1/applications', '/v1/departments/{dept}/inbox/{deliveryId}/ack', '/openapi.json', '/docs', '/metrics', '/healthz']) expect(document.paths).to.have.property(expected);

    const widget = document.paths['/test/widgets/{widgetId}']!['put']!;
    expect(widget.summary).to.equal('A route only this test declares');
    expect(widget['x-tongban-roles']).to.deep.equal(['ops']);
    expect(widget.parameters).to.deep.include({ name: 'widgetId', in: 'path', required: true, description: 'widgetId', schema: { type: 'string' } });
    expect(widget.responses['409']!.content!['application/problem+json']!.examples).to.have.property('CONFLICT');
    expect(document.paths['/test/public']!['get']!.security).to.deep.equal([]);

    // swagger-parser does not check path parameters under 3.1: every {name} of a path must be declared.
    for (const { path, method, operation } of operations()) {
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        expect(operation.parameters.some((parameter) => 'name' in parameter && parameter.name === name && parameter.in === 'path' && parameter.required), `${method} ${path}: {${name}}`).to.equal(true);
      }
    }
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(new Set(ids).size, 'operationIds are unique').to.equal(ids.length);
  });

  it('documents every catalogue error code: the Problem code enum, one example and one reusable response each', () => {
    const codeEnum = document.components.schemas['Problem']!.properties!['code']!.enum;
    expect(codeEnum).to.have.members(ERROR_CODES);
    for (const code of ERROR_CODES) {
      expect(document.components.examples[code]?.value, code).to.include({ code, status: ERROR_CATALOGUE[code].status, retryable: ERROR_CATALOGUE[code].retryable });
      expect(document.components.responses, code).to.have.property(code);
    }
    // Operations answer problems by status, with the matching codes as examples.
    const applications = document.paths['/v1/applications']!['post']!;
    const unauthorized = applications.responses['401']!.content!['application/problem+json']!;
    expect(unauthorized.schema).to.deep.equal({ $ref: '#/components/schemas/Problem' });
    expect(Object.keys(unauthorized.examples!)).to.include.members(['SIGNATURE_MISSING', 'REPLAY_DETECTED', 'DIGEST_MISMATCH']);
    expect(Object.keys(applications.responses['422']!.content!['application/problem+json']!.examples!)).to.have.members(['IDEMPOTENCY_KEY_REUSED', 'THEME_NOT_MAPPED', 'PREFILL_EVIDENCE_INVALID', 'SHARED_DATA_NOT_VERIFIED']);
    expect(Object.keys(document.paths['/v1/departments/{dept}/events']!['post']!.responses['403']!.content!['application/problem+json']!.examples!)).to.include('DEPARTMENT_MISMATCH');
    expect(document.paths['/healthz']!['get']!.responses).to.not.have.property('401');
    // /readyz answers 503 with its checks, or a SHUTTING_DOWN problem while draining: both are documented.
    expect(document.paths['/readyz']!['get']!.responses['503']!.content).to.have.keys('application/json', 'application/problem+json');
  });

  it('describes Tongban signature v1 as the security of signed routes, with a worked example', () => {
    const schemes = document.components.securitySchemes;
    expect(schemes['TongbanSignature']).to.include({ type: 'apiKey', in: 'header', name: 'Tongban-Signature' });
    expect(schemes['ContentDigest']).to.include({ type: 'apiKey', in: 'header', name: 'Content-Digest' });
    for (const { path, method, operation } of operations()) {
      const roles = operation['x-tongban-roles'];
      if (roles.includes('public')) expect(operation.security, `${method} ${path}`).to.deep.equal([]);
      else expect(operation.security, `${method} ${path}`).to.deep.equal([{ TongbanSignature: [], ContentDigest: [] }]);
    }
    expect(document.paths['/v1/ops/sync-runs']!['post']!['x-tongban-roles']).to.deep.equal(['ops']);
    expect(document.paths['/v1/themes']!['get']!['x-tongban-roles']).to.deep.equal(['platform', 'counter', 'ops']);
    const description = document.info.description;
    expect(description).to.contain('Content-Digest: sha-256=:').and.contain('"htu": "/v1/ops/sync-runs"').and.contain('"rjti"').and.contain('tongban-req+jwt');
    // The worked example's digest is the real digest of its body.
    const digest = /Content-Digest: (sha-256=:[^:]+:)/.exec(description)![1];
    expect(digest).to.equal(`sha-256=:${createHash('sha256').update('{"kind":"incremental"}').digest('base64')}:`);
  });

  it('documents Idempotency-Key, the useCause parameter, X-Request-Id and traceparent', () => {
    const parameters = document.components.parameters;
    expect(parameters['IdempotencyKey']).to.include({ name: 'Idempotency-Key', in: 'header', required: true });
    expect(parameters['UseCause']).to.include({ name: 'useCause', in: 'query', required: true });
    expect(parameters['XRequestId']).to.include({ name: 'X-Request-Id', in: 'header' });
    expect(parameters['Traceparent']).to.include({ name: 'traceparent', in: 'header' });
    expect(document.paths['/v1/applications']!['post']!.parameters).to.deep.include({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(document.paths['/v1/licences']!['get']!.parameters).to.deep.include({ $ref: '#/components/parameters/UseCause' });
    expect(document.paths['/v1/licences/{identifier}/file']!['get']!.parameters).to.deep.include({ $ref: '#/components/parameters/UseCause' });
    for (const { operation } of operations()) expect(operation.parameters).to.deep.include({ $ref: '#/components/parameters/Traceparent' });
  });

  it('documents the Tongban-Id-Token header and every ID-token refusal on each route that acts on a person\'s data', () => {
    expect(document.components.parameters['TongbanIdToken']).to.include({ name: 'Tongban-Id-Token', in: 'header', required: true });
    const acting: [string, string][] = [
      ['/v1/authorizations', 'post'], ['/v1/prefill', 'post'], ['/v1/applications', 'post'], ['/v1/licences', 'get'], ['/v1/licences/{identifier}/file', 'get'],
      ['/v1/counter-codes', 'post'], ['/v1/counter/scans', 'post'],
    ];
    for (const [path, method] of acting) {
      const operation = document.paths[path]![method]!;
      expect(operation.parameters, `${method} ${path}`).to.deep.include({ $ref: '#/components/parameters/TongbanIdToken' });
      const refusals = Object.keys(operation.responses['401']!.content!['application/problem+json']!.examples!);
      expect(refusals, `${method} ${path}`).to.include.members(['ID_TOKEN_MISSING', 'ID_TOKEN_INVALID', 'ID_TOKEN_UNKNOWN_KEY', 'ID_TOKEN_EXPIRED', 'ID_TOKEN_AUDIENCE', 'ID_TOKEN_LEVEL', 'ID_TOKEN_NONCE', 'ID_TOKEN_REPLAYED']);
      expect(Object.keys(operation.responses['503']!.content!['application/problem+json']!.examples!), `${method} ${path}`).to.include('IDENTITY_UNAVAILABLE');
    }
  });

  describe('request bodies', () => {
    const bodies: [string, string, string][] = [
      ['/v1/authorizations', 'post', 'AuthorizationRequest'],
      ['/v1/prefill', 'post', 'PrefillRequest'],
      ['/v1/applications', 'post', 'Submission'],
      ['/v1/departments/{dept}/events', 'post', 'DepartmentEvent'],
      ['/v1/departments/{dept}/inbox/{deliveryId}/ack', 'post', 'InboxAck'],
      ['/v1/ops/sync-runs', 'post', 'SyncRunTrigger'],
      ['/v1/themes/{themeCode}/guide', 'post', 'GuideRequest'],
      ['/v1/ops/deliveries/replay', 'post', 'ReplayDepartmentRequest'],
    ];

    it('has a JSON Schema and an example for each main body, and each example fits its schema', () => {
      const check = validator();
      for (const [path, method, name] of bodies) {
        const json = document.paths[path]![method]!.requestBody!.content['application/json']!;
        expect(json.schema, path).to.deep.equal({ $ref: `#/components/schemas/${name}` });
        expect(json.example, `${path} example`).to.not.equal(undefined);
        expect(check(`#/components/schemas/${name}`, json.example), `${path} example`).to.deep.equal([]);
      }
      // The schemas do refuse what the routes refuse.
      expect(check('#/components/schemas/AuthorizationRequest', { holder: { code: 'x', type: 'alien' } })).to.not.deep.equal([]);
      expect(check('#/components/schemas/DepartmentEvent', { eventId: 'e1', subApplicationId: 'x', type: 'archived', occurredAt: 'now' })).to.not.deep.equal([]);
    });

    it('every problem example fits the Problem schema', () => {
      const check = validator();
      for (const code of ERROR_CODES) expect(check('#/components/schemas/Problem', document.components.examples[code]!.value), code).to.deep.equal([]);
    });

    it('the examples are accepted by the validators the routes use', () => {
      const example = (path: string) => document.paths[path]!['post']!.requestBody!.content['application/json']!.example;
      expect(() => parseAuthorizationRequest(example('/v1/authorizations'), new Date('2026-11-24T10:00:00+08:00'))).to.not.throw();
      expect(() => validatePrefillRequest(example('/v1/prefill'))).to.not.throw();
      expect(() => readSubmission(example('/v1/applications'), '0f8e7c1a-5b2d-4c3e-9a8f-7d6c5b4a3e21')).to.not.throw();
      expect(() => readDepartmentEvent(example('/v1/departments/{dept}/events'))).to.not.throw();
      expect(isInboxAck(example('/v1/departments/{dept}/inbox/{deliveryId}/ack')), JSON.stringify(isInboxAck.errors)).to.equal(true);
    });
  });

  it('real answers fit their documented schemas (themes, sync runs, deliveries, readiness, a problem)', async () => {
    const check = validator();
    const schemaOf = (path: string, method: string, status: string, type = 'application/json') => {
      const schema = document.paths[path]![method]!.responses[status]!.content![type]!.schema as { $ref: string };
      return schema.$ref;
    };
    for (const [path, call] of [['/v1/themes', '/v1/themes'], ['/v1/ops/sync-runs', '/v1/ops/sync-runs'], ['/v1/ops/deliveries', '/v1/ops/deliveries'], ['/v1/ops/overdue', '/v1/ops/overdue']] as const) {
      const answer = await ops.request('GET', call);
      expect(answer.status, call).to.equal(200);
      expect(check(schemaOf(path, 'get', '200'), answer.body), call).to.deep.equal([]);
    }
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(check(schemaOf('/readyz', 'get', '200'), await ready.json())).to.deep.equal([]);
    const refused = await ops.request('POST', '/v1/ops/sync-runs', { body: { kind: 'partial' } });
    expect(refused.status).to.be.oneOf([400, 503]);
    expect(check('#/components/schemas/Problem', refused.body)).to.deep.equal([]);
    expect(document.paths['/v1/ops/sync-runs']!['post']!['x-tongban-errors']).to.include((refused.body as { code: string }).code);
  });
});
