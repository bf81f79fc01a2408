/**
 * Builds the OpenAPI 3.1 description from the route declarations: the
 * routes are the one source of truth for paths, methods, access rules and
 * summaries; their optional OpenAPI fields add parameters, bodies, answers
 * and route-specific error codes.
 */
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode } from '../../errors/index.js';
import type { Route, RouteBody, RouteParameter } from '../routes/route.js';
import { componentName } from './components.js';
import { PATH_PARAMETERS, traceHeaders } from './parameters.js';
import { problemExample, problemSchema, routeErrorCodes } from './problems.js';
import { answerSignatureHeaders, API_DESCRIPTION, DIGEST_SCHEME, securitySchemes, SIGNATURE_SCHEME } from './protocol.js';

export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: Record<string, Record<string, unknown>>;
};

export interface OpenApiOptions {
  /** `info.version`; default the package version given by the caller, else `0.0.0`. */
  version?: string;
}

const PROBLEM_TYPE = 'application/problem+json';

/** Tags by path prefix (first match wins); a route's own `tags` take precedence. */
const TAGS: readonly { pattern: RegExp; name: string; description: string }[] = [
  { pattern: /^\/v1\/(themes\/:themeCode\/guide|prefill)\b/, name: 'Forms', description: 'Guide (办事指南) and prefill: the merged form (一表) of a scenario, filled from verified licences' },
  { pattern: /^\/v1\/themes\b/, name: 'Catalogue', description: 'The synced matter catalogue: 一件事 themes and their matters' },
  { pattern: /^\/v1\/authorizations\b/, name: 'Authorisations', description: 'Holders\' consent (授权) to use their licences' },
  { pattern: /^\/v1\/(licences|holders)\b/, name: 'Licences', description: 'Verified electronic licences (电子证照) and the licence-use ledger' },
  { pattern: /^\/v1\/applications\b/, name: 'Applications', description: 'Submit once; aggregate status; sealed result documents' },
  { pattern: /^\/v1\/departments\b/, name: 'Departments', description: 'What department systems call: the pull inbox and status/result events' },
  { pattern: /^\/v1\/ops\b/, name: 'Ops', description: 'Operations: sync runs, deliveries, dead letters, replay, overdue matters' },
  { pattern: /^\/ops\b/, name: 'Ops dashboard', description: 'The ops dashboard (login required)' },
  { pattern: /./, name: 'Discovery and health', description: 'Public endpoints: health, keys, metrics, these docs' },
];

/** `/v1/x/:id` → `/v1/x/{id}` (and express 5 wildcards `*name` → `{name}`). */
export function openApiPath(path: string): string {
  return path.replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
}

/** `GET /v1/themes/:themeCode` → `getThemesByThemeCode`. */
export function operationId(route: Route): string {
  const words = route.path.split('/').filter((segment) => segment && segment !== 'v1' && !segment.startsWith('.'))
    .map((segment) => /^[:*]/.test(segment) ? `By-${segment.slice(1)}` : segment)
    .flatMap((segment) => segment.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  const pascal = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
  return `${route.method.toLowerCase()}${pascal || 'Root'}`;
}

/** Collects named schemas into `components.schemas`, replacing them by `$ref`s. */
class SchemaCollector {
  readonly schemas: Record<string, unknown> = {};
  private readonly seen = new Map<string, unknown>();

  use(schema: unknown): unknown {
    const name = componentName(schema);
    if (name) {
      const known = this.seen.get(name);
      if (known !== undefined && known !== schema) throw new Error(`two different schemas are named "${name}"`);
      if (known === undefined) {
        this.seen.set(name, schema);
        this.schemas[name] = this.copy(schema);
      }
      return { $ref: `#/components/schemas/${name}` };
    }
    return this.copy(schema);
  }

  private copy(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.use(item));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, key === 'examples' || key === 'default' || key === 'const' || key === 'enum' ? item : this.use(item)]));
  }
}

function content(body: RouteBody | Partial<RouteBody>, collector: SchemaCollector): Record<string, unknown> {
  return Object.fromEntries((body.contentTypes ?? [body.contentType ?? 'application/json']).map((type) => [type, {
    ...(body.schema ? { schema: collector.use(body.schema) } : {}),
    ...(body.example !== undefined ? { example: body.example } : {}),
  }]));
}

function parameterObject(parameter: RouteParameter, components: Record<string, unknown>): unknown {
  const object = {
    name: parameter.name, in: parameter.in, description: parameter.description,
    ...(parameter.in === 'path' ? { required: true } : parameter.required ? { required: true } : {}),
    schema: parameter.schema,
    ...(parameter.example !== undefined ? { example: parameter.example } : {}),
  };
  if (!parameter.component) return object;
  components[parameter.component] = object;
  return { $ref: `#/components/parameters/${parameter.component}` };
}

function problemResponse(codes: readonly ErrorCode[]): Record<string, unknown> {
  const waits = codes.filter((code) => ERROR_CATALOGUE[code].retryAfterSeconds !== undefined);
  const retryAfter = waits.length === 0 ? {} : {
    'Retry-After': { description: `Seconds to wait before retrying (with ${waits.map((code) => `\`${code}\``).join(', ')})`, schema: { type: 'integer', minimum: 0 } },
  };
  return {
    description: `Problem: ${codes.map((code) => `\`${code}\``).join(', ')}`,
    headers: { 'X-Request-Id': { $ref: '#/components/headers/XRequestId' }, ...retryAfter },
    content: {
      [PROBLEM_TYPE]: {
        schema: { $ref: '#/components/schemas/Problem' },
        examples: Object.fromEntries(codes.map((code) => [code, { $ref: `#/components/examples/${code}` }])),
      },
    },
  };
}

function operation(route: Route, collector: SchemaCollector, parameters: Record<string, unknown>): Record<string, unknown> {
  const signed = !('public' in route.access);
  const declared = route.parameters ?? [];
  const pathParameters = pathParameterNames(route.path).map((name): RouteParameter => declared.find((parameter) => parameter.in === 'path' && parameter.name === name)
    ?? { name, in: 'path', ...(PATH_PARAMETERS[name] ?? { description: name, schema: { type: 'string' } }) });
  const successHeaders = {
    'X-Request-Id': { $ref: '#/components/headers/XRequestId' },
    ...(signed ? { 'Tongban-Signature': { $ref: '#/components/headers/TongbanSignature' }, 'Content-Digest': { $ref: '#/components/headers/ContentDigest' } } : {}),
  };
  const declaredResponses = route.responses ?? { 200: { description: 'OK', schema: { type: 'object' } } };
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(declaredResponses)) {
    responses[status] = {
      description: response.description,
      headers: { ...successHeaders, ...Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) },
      ...(response.schema || response.example !== undefined ? { content: content(response, collector) } : {}),
    };
  }
  const errors = routeErrorCodes(route);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errors) byStatus.set(ERROR_CATALOGUE[code].status, [...(byStatus.get(ERROR_CATALOGUE[code].status) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const problem = problemResponse(codes);
    const declared = responses[String(status)] as { description: string; content?: Record<string, unknown> } | undefined;
    // A status the route also answers with its own body (503 of /readyz) lists both media types.
    responses[String(status)] = declared
      ? { ...declared, description: `${declared.description}; or ${String(problem['description'])}`, content: { ...declared.content, ...(problem['content'] as Record<string, unknown>) } }
      : problem;
  }

  const tags = route.tags ?? [TAGS.find((tag) => tag.pattern.test(route.path))!.name];
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags,
    'x-tongban-roles': signed ? [...route.access.roles] : ['public'],
    'x-tongban-errors': errors,
    security: signed ? [{ [SIGNATURE_SCHEME]: [], [DIGEST_SCHEME]: [] }] : [],
    parameters: [
      ...pathParameters.map((parameter) => parameterObject(parameter, parameters)),
      ...declared.filter((parameter) => parameter.in !== 'path').map((parameter) => parameterObject(parameter, parameters)),
      ...traceHeaders.map((parameter) => parameterObject(parameter, parameters)),
    ],
    ...(route.request ? { requestBody: { required: true, ...(route.request.description ? { description: route.request.description } : {}), content: content(route.request, collector) } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 description of `routes`. */
export function buildOpenApi(routes: readonly Route[], options: OpenApiOptions = {}): OpenApiDocument {
  const collector = new SchemaCollector();
  const parameters: Record<string, unknown> = {};
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    const method = route.method.toLowerCase();
    if (item[method]) throw new Error(`route ${route.method} ${route.path} declared twice`);
    item[method] = operation(route, collector, parameters);
  }
  const usedTags = new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => op['tags'] as string[])));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tongban (通办) API',
      version: options.version ?? '0.0.0',
      summary: 'Integration gateway for 一件事一次办 government services',
      description: API_DESCRIPTION,
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/', description: 'This gateway' }],
    tags: TAGS.filter((tag) => usedTags.has(tag.name)).map(({ name, description }) => ({ name, description })),
    paths,
    components: {
      schemas: { Problem: problemSchema(), ...collector.schemas },
      responses: Object.fromEntries(ERROR_CODES.map((code) => [code, { ...problemResponse([code]), description: `${ERROR_CATALOGUE[code].status} \`${code}\`: ${ERROR_CATALOGUE[code].title}` }])),
      examples: Object.fromEntries(ERROR_CODES.map((code) => [code, { summary: `${ERROR_CATALOGUE[code].status} ${ERROR_CATALOGUE[code].title}`, value: problemExample(code) }])),
      parameters,
      headers: {
        XRequestId: { description: 'Trace id of the request (from `traceparent` or `X-Request-Id`, else generated)', schema: { type: 'string' } },
        TongbanSignature: { description: answerSignatureHeaders['Tongban-Signature'], schema: { type: 'string' } },
        ContentDigest: { description: answerSignatureHeaders['Content-Digest'], schema: { type: 'string' } },
      },
      securitySchemes,
    },
  };
}
