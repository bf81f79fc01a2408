/**
 * The ceiling harness: how fast could intake be on this machine? A bare
 * `node:http` server doing only what intake cannot skip — read the body,
 * verify the request signature (same keys, same code) and the applicant's ID
 * token bound to it (verified once, then known by its digest, as the gateway
 * does), `JSON.parse`, ajv against the same merged-form schema, check each
 * material the submission names against its upload (the client's, not
 * expired, an allowed type), insert the same rows (jti, application with its
 * actor, sub-applications with their materials, deliveries, holders,
 * application materials, the platform's `application.received` message and
 * its callbacks — the last three by the gateway's own functions) into SQLite
 * with the same schema, committed in batches with `synchronous=FULL`, and
 * sign the 202 — measured with the same load as the gateway, in a child
 * process like the gateway. Prints the ratio gateway ÷ ceiling. Reports;
 * never asserts.
 *
 * Run alone as `node --import tsx bench/ceiling.ts serve <config.json>`
 * (the benchmark starts it so).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import Database from 'better-sqlite3';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import { recordApplicationHolders } from '../src/cases/application-holders.js';
import { recordApplicationMaterials } from '../src/cases/record-application-materials.js';
import type { ResolvedMaterials } from '../src/cases/submission-materials.js';
import { materialsOfMatter, materialsOfScenario } from '../src/forms/materials.js';
import { recordIntakeEvents } from '../src/notifications/platform-events.js';
import { registerSqliteAssert } from '../src/store/assertions.js';
import type { Queryable, SqlValue } from '../src/store/index.js';
import { idTokenDigest } from '../src/trust/sign-request.js';
import { loadDepartments } from '../src/delivery/department-registry.js';
import { deriveMergedForm } from '../src/forms/merged-form.js';
import { loadMappings } from '../src/forms/mappings/index.js';
import { applicableMatters, resolveAnswers } from '../src/forms/scenario.js';
import type { ThemeContext } from '../src/forms/theme-context.js';
import { validateAreaCode, validateCreditCode, validateIdNumber, validateLicenceIdentifier, validateOrganizationCode, validatePhone } from '../src/domain/identifiers/index.js';
import type { Matter } from '../src/domain/matter-catalog.js';
import { migrate, newId, positional, SQLITE_CACHE_MB, SQLITE_PRAGMAS, SqliteStore } from '../src/store/index.js';
import type { SignatureAlgorithm } from '../src/trust/algorithms.js';
import { Keyring } from '../src/trust/keyring.js';
import { CERT_FILES } from '../src/trust/dev-material.js';
import { signResponse } from '../src/trust/sign-response.js';
import { verifyRequest, type VerifyingClient } from '../src/trust/verify-request.js';
import {
  benchEnvironment, best, cleanEnv, INTAKE_CONCURRENCY, intakeRow, marriageSubmission, measureRound, startIntakeGateway, startServerProcess, prepareSubmissions,
  type BenchEnvironment, type Round, type ServerProcess, type UploadAnswer,
} from './intake.js';

/** What the ceiling server needs, written by the benchmark to a JSON file. */
interface CeilingConfig {
  sqlitePath: string;
  certsDir: string;
  clientsFile: string;
  themeCode: string;
  schema: Record<string, unknown>;
  /** Each applicable matter: department, catalogue name, deadlines, its form fields (department field → canonical) and its own materials. */
  matters: {
    code: string; name: string; departmentCode: string; statutoryDays: number; promisedDays: number; fields: [string, string][];
    materials: { code: string; name: string; identity: string; form: string; required: boolean }[];
  }[];
  /** The scenario's materials (one per identity), as the guide lists them. */
  materials: { code: string; required: boolean; ways: string[]; mediaTypes: string[] }[];
  /** The identity platform's issuer and public keys. */
  identityIssuer: string;
  identityKeys: JSONWebKeySet;
  /** The uploads the submissions name, the platform's, as the gateway stores them. */
  uploads: UploadAnswer[];
}

/** The merged-form schema, split table and materials of MX-T33 for a married couple, derived exactly as the gateway derives them. */
function ceilingConfig(environment: BenchEnvironment, sqlitePath: string, identityKeys: JSONWebKeySet, uploads: UploadAnswer[]): CeilingConfig {
  const mappings = loadMappings({ departments: loadDepartments() });
  const sample = marriageSubmission(0);
  const theme = environment.matters.theme(sample.themeCode)!;
  const context: ThemeContext = {
    theme, mapping: mappings.themes.get(theme.code)!,
    matters: new Map(theme.matterCodes.map((code) => [code, environment.matters.matter(code)!] as [string, Matter])),
    matterMappings: new Map(theme.matterCodes.map((code) => [code, mappings.matters.get(code)!])),
  };
  const ordered = applicableMatters(context.mapping, resolveAnswers(context.mapping, sample.answers));
  return {
    sqlitePath, certsDir: environment.certsDir, clientsFile: environment.clientsFile, themeCode: theme.code,
    schema: deriveMergedForm(context, ordered, mappings).schema,
    materials: materialsOfScenario(context, ordered.map((matter) => matter.code), mappings).map((material) => ({
      code: material.code, required: material.required, ways: [...material.ways], mediaTypes: [...material.mediaTypes],
    })),
    identityIssuer: environment.identity.issuer, identityKeys, uploads,
    matters: ordered.map((matter) => {
      const catalogue = context.matters.get(matter.code)!;
      const mapping = context.matterMappings.get(matter.code)!;
      return {
        code: matter.code, name: catalogue.name, departmentCode: mapping.department, statutoryDays: catalogue.statutoryDays, promisedDays: catalogue.promisedDays,
        fields: mapping.fields.map((field) => [field.field, field.canonical] as [string, string]),
        materials: materialsOfMatter(context, matter.code, mappings).map((own) => ({ code: own.code, name: own.name, identity: own.identity, form: own.form, required: own.required })),
      };
    }),
  };
}

/** The same formats the gateway's merged-form validation registers. */
function formAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const checks: Record<string, (value: string) => { ok: boolean }> = {
    'id-number': validateIdNumber, 'credit-code': validateCreditCode, 'organization-code': validateOrganizationCode,
    'licence-identifier': validateLicenceIdentifier, 'area-code': validateAreaCode, phone: validatePhone,
  };
  for (const [name, check] of Object.entries(checks)) ajv.addFormat(name, { type: 'string', validate: (value: string) => check(value).ok });
  ajv.addFormat('date', { type: 'string', validate: (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
    && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value) });
  return ajv;
}

interface Accepted {
  rows: {
    jti: [string, string, number]; application: unknown[]; subs: unknown[][]; deliveries: unknown[][];
    /** The gateway's own writers of holders, materials and the platform's message, given this application's. */
    writers: (tx: Queryable) => Promise<unknown>[];
  };
  answer: string;
  clientId: string;
  requestJti: string;
  res: ServerResponse;
}

/** The ceiling server (child process). */
async function serve(configPath: string): Promise<void> {
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as CeilingConfig;
  const store = new SqliteStore({ path: config.sqlitePath });
  await migrate(store); // the gateway's tables and indexes, exactly
  await store.close();
  const db = new Database(config.sqlitePath);
  for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
  db.pragma(`cache_size = -${SQLITE_CACHE_MB * 1024}`);
  const insert = {
    jti: db.prepare('INSERT INTO used_jtis (client_id, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    application: db.prepare(`INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at, actor)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?)`),
    sub: db.prepare(`INSERT INTO sub_applications (id, application_id, matter_code, matter_name, department_code, position, prerequisites, result_as, result_field, form, provenance, status,
      statutory_days, promised_days, created_at, updated_at, materials) VALUES (?, ?, ?, ?, ?, ?, '[]', NULL, NULL, ?, ?, 'queued', ?, ?, ?, ?, ?)`),
    delivery: db.prepare(`INSERT INTO deliveries (id, sub_application_id, department_code, channel, idempotency_key, state, next_attempt_at, created_at, updated_at)
      VALUES (?, ?, ?, 'rest', ?, 'pending', ?, ?, ?)`),
  };
  const keyring = Keyring.open(join(config.certsDir, CERT_FILES.keyring));
  const clients = new Map<string, VerifyingClient>();
  for (const client of (JSON.parse(readFileSync(config.clientsFile, 'utf8')) as { clients: { id: string; algorithms: SignatureAlgorithm[]; keys: JWK[] }[] }).clients) {
    clients.set(client.id, { id: client.id, algorithms: client.algorithms, keys: Object.fromEntries(client.keys.map((key) => [key.kid!, key])) });
  }
  const seen = new Set<string>();
  const validate = formAjv().compile(config.schema);
  registerSqliteAssert(db);
  const statements = statementsOf(db);
  // The uploads as the gateway holds them; a referenced row never changes, so it is read once (as the gateway's referenced-uploads.ts).
  const insertUpload = db.prepare('INSERT INTO material_uploads (id, client_id, sha256, size, media_type, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const upload of config.uploads) insertUpload.run(upload.id, 'platform', upload.sha256, upload.size, upload.mediaType, Date.now(), Date.parse(upload.expiresAt));
  const uploads = new Map<string, { clientId: string; sha256: string; size: number; mediaType: string; expiresAt: number; referenced: boolean }>(
    config.uploads.map((upload) => [upload.id, { clientId: 'platform', sha256: upload.sha256, size: upload.size, mediaType: upload.mediaType, expiresAt: Date.parse(upload.expiresAt), referenced: false }]));
  const identityKeys = createLocalJWKSet(config.identityKeys);
  /** ID tokens verified before, by digest (the gateway's IdTokenVerifier keeps them so too). */
  const actors = new Map<string, Record<string, unknown>>();

  let batch: Accepted[] = [];
  const commit = () => {
    const accepted = batch;
    batch = [];
    db.transaction(() => {
      for (const { rows } of accepted) {
        insert.jti.run(...rows.jti);
        insert.application.run(...rows.application);
        for (const sub of rows.subs) insert.sub.run(...sub);
        for (const delivery of rows.deliveries) insert.delivery.run(...delivery);
        // Their statements run as they are called (statementsOf): a failure is thrown here, in the transaction.
        for (const written of rows.writers(statements.tx)) written.catch(() => undefined);
        statements.throwFailure();
      }
    }).immediate();
    for (const item of accepted) {
      void signResponse({ body: item.answer, clientId: item.clientId, requestJti: item.requestJti, key: keyring.signingKey() }).then((headers) => {
        item.res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(item.answer);
      });
    }
  };

  const fail = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status, detail: message }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const verified = await verifyRequest({ method: req.method!, pathAndQuery: req.url!, body, headers: req.headers }, {
      resolveClient: async (id) => clients.get(id),
      markJtiUsed: async (clientId, jti) => {
        const key = `${clientId}\u0000${jti}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      },
    });
    const idempotencyKey = req.headers['idempotency-key'];
    if (typeof idempotencyKey !== 'string') return fail(res, 422, 'Idempotency-Key required');
    const idToken = req.headers['tongban-id-token'];
    if (typeof idToken !== 'string') return fail(res, 401, 'ID token required');
    const digest = idTokenDigest(idToken);
    if (verified.claims['idt'] !== digest) return fail(res, 401, 'the signature does not bind this ID token');
    let actor = actors.get(digest);
    if (!actor) {
      const { payload } = await jwtVerify(idToken, identityKeys, { clockTolerance: 60, issuer: config.identityIssuer, audience: verified.client.id });
      actor = {
        issuer: payload.iss, sub: payload.sub, subjectType: payload['subject_type'], idNumber: payload['id_number'], name: payload['name'], level: payload['acr'],
        methods: payload['amr'], authTime: payload.iat! * 1000, expiresAt: payload.exp! * 1000, tokenDigest: digest,
      };
      actors.set(digest, actor);
    }
    const submission = JSON.parse(body.toString('utf8')) as {
      themeCode: string; answers: unknown; form: Record<string, Record<string, unknown>>; materials?: Record<string, { upload?: string }>;
    };
    if (submission.themeCode !== config.themeCode) return fail(res, 404, 'unknown theme');
    if (!validate(submission.form)) return fail(res, 422, 'invalid form');
    const now = Date.now();
    const applicationId = newId(now);
    const application: ResolvedMaterials['application'][number][] = [];
    const uploadIds: string[] = [];
    const referencedUploadIds = new Set<string>();
    for (const material of config.materials) {
      const named = submission.materials?.[material.code]?.upload;
      if (named !== undefined) {
        const upload = uploads.get(named);
        if (!upload || upload.clientId !== verified.client.id || (!upload.referenced && upload.expiresAt <= now) || !material.mediaTypes.includes(upload.mediaType)) {
          return fail(res, 422, `upload ${named} cannot be ${material.code}`);
        }
        uploadIds.push(named);
        if (upload.referenced) referencedUploadIds.add(named);
        application.push({ code: material.code, satisfiedBy: 'upload', uploadId: named, file: { sha256: upload.sha256, size: upload.size, mediaType: upload.mediaType } });
      } else if (material.ways.includes('generated') || material.ways.includes('prerequisite')) {
        application.push({ code: material.code, satisfiedBy: material.ways.includes('generated') ? 'generated' : 'prerequisite' });
      } else if (material.required) {
        return fail(res, 422, `${material.code} is required`);
      }
    }
    const satisfied = new Map(application.map((material) => [material.code, material]));
    const byMatter = new Map(config.matters.map((matter) => [matter.code, matter.materials.flatMap((own) => {
      const how = satisfied.get(own.identity);
      return how ? [{ code: own.code, name: own.name, identity: own.identity, form: own.form, required: own.required, satisfiedBy: how.satisfiedBy, version: 1, ...(how.file ? { file: { ...how.file } } : {}) }] : [];
    })]));
    const resolved = { application, byMatter, uploadIds, referencedUploadIds } as ResolvedMaterials;
    for (const id of uploadIds) uploads.get(id)!.referenced = true;
    const subs = config.matters.map((matter, position) => {
      const form: Record<string, unknown> = {};
      const provenance: Record<string, unknown> = {};
      for (const [field, canonical] of matter.fields) {
        const [group, member] = canonical.split('.') as [string, string];
        const value = submission.form[group]?.[member];
        if (value !== undefined) { form[field] = value; provenance[field] = { canonical, source: 'user' }; }
      }
      return { id: newId(now), matter, position, form, provenance };
    });
    const answer = JSON.stringify({
      applicationId, status: 'received', themeCode: config.themeCode,
      subApplications: subs.map((sub) => ({ id: sub.id, matterCode: sub.matter.code, matterName: sub.matter.name, departmentCode: sub.matter.departmentCode, status: 'queued', after: [] })),
      changedFromPrefill: [],
    });
    batch.push({
      rows: {
        jti: [verified.client.id, verified.claims.jti, (verified.claims.exp + 300) * 1000],
        application: [applicationId, verified.client.id, idempotencyKey, createHash('sha256').update(body).digest('hex'), answer, config.themeCode,
          JSON.stringify(submission.answers ?? {}), JSON.stringify(submission.form), '{}', now, now, JSON.stringify(actor)],
        subs: subs.map((sub) => [sub.id, applicationId, sub.matter.code, sub.matter.name, sub.matter.departmentCode, sub.position,
          JSON.stringify(sub.form), JSON.stringify(sub.provenance), sub.matter.statutoryDays, sub.matter.promisedDays, now, now, JSON.stringify(resolved.byMatter.get(sub.matter.code) ?? [])]),
        deliveries: subs.map((sub) => [newId(now), sub.id, sub.matter.departmentCode, `tongban-${sub.id}`, now, now, now]),
        writers: (db) => [
          recordApplicationHolders(db, applicationId, submission.form),
          recordApplicationMaterials(db, applicationId, verified.client.id, resolved, now),
          recordIntakeEvents(db, { applicationId, clientId: verified.client.id, at: now, events: [{ type: 'application.received', data: JSON.parse(answer) as Record<string, unknown> }] }),
        ],
      },
      answer, clientId: verified.client.id, requestJti: verified.claims.jti, res,
    });
    // One group commit per event-loop turn, after the requests that arrived in it.
    if (batch.length === 1) setImmediate(commit);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: Error) => fail(res, 401, error.message));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stdout.write(`ceiling listening on http://127.0.0.1:${address.port}\n`);
  });
  process.once('SIGTERM', () => server.close(() => { db.close(); process.exit(0); }));
}

/**
 * The gateway's statements (`$n` parameters) on a better-sqlite3 connection,
 * each run when it is called and prepared once, rewritten by the gateway's
 * SQLite store's own `positional`. The gateway's writers call them from
 * async functions, so a failing statement would only reject a promise: the
 * first failure is kept and `throwFailure` throws it in the batch's
 * transaction, rolling it back.
 */
function statementsOf(db: Database.Database): { tx: Queryable; throwFailure: () => void } {
  const prepared = new Map<string, { statement: Database.Statement; order: number[] }>();
  let failure: unknown;
  const tx: Queryable = {
    query: <Row>(sql: string, params: readonly SqlValue[] = []) => {
      try {
        let compiled = prepared.get(sql);
        if (!compiled) {
          const { text, order } = positional(sql);
          compiled = { statement: db.prepare(text), order };
          prepared.set(sql, compiled);
        }
        const { statement, order } = compiled;
        const values = order.map((index) => { const value = params[index]; return typeof value === 'boolean' ? Number(value) : value; });
        if (statement.reader) {
          const rows = statement.all(...values) as Row[];
          return Promise.resolve({ rows, rowCount: rows.length });
        }
        return Promise.resolve({ rows: [] as Row[], rowCount: statement.run(...values).changes });
      } catch (error) {
        failure ??= error;
        return Promise.reject(error);
      }
    },
  };
  return {
    tx,
    throwFailure: () => {
      const thrown = failure;
      failure = undefined;
      if (thrown !== undefined) throw thrown;
    },
  };
}

/**
 * Measures the ceiling and the gateway in alternating rounds (G C G C G C),
 * both processes started once, so that whatever else the machine is doing
 * weighs on both alike; compares the best rounds.
 */
export async function benchCeiling(): Promise<Record<string, unknown>[]> {
  const environment = await benchEnvironment();
  const dir = mkdtempSync(join(environment.dir, 'ceiling-'));
  const configPath = join(dir, 'ceiling.json');
  const gateway = await startIntakeGateway(environment);
  let ceiling: ServerProcess | undefined;
  const rounds = { gateway: [] as Round[], ceiling: [] as Round[] };
  try {
    // The gateway's uploads and login; the ceiling gets the same bodies and ID token, and the same upload rows.
    const withMaterials = await prepareSubmissions(environment, gateway.url, [marriageSubmission(0)]);
    writeFileSync(configPath, JSON.stringify(ceilingConfig(environment, join(dir, 'ceiling.db'), await identityKeys(environment.identity.issuer), [...withMaterials.uploads])));
    ceiling = await startServerProcess(['--import', 'tsx', 'bench/ceiling.ts', 'serve', configPath], cleanEnv({}));
    for (let round = 0; round < 3; round += 1) {
      const settings = { warmupMs: round === 0 ? 1500 : 300, roundMs: 3000, offset: round * 100_000, withMaterials };
      rounds.gateway.push(await measureRound(environment, gateway, settings));
      rounds.ceiling.push(await measureRound(environment, ceiling, settings));
    }
  } finally {
    await Promise.all([gateway.stop(), ceiling?.stop()]);
  }
  const [g, c] = [best(rounds.gateway), best(rounds.ceiling)];
  return [
    intakeRow(`ceiling: node:http + ajv + signatures + SQLite batches, ${INTAKE_CONCURRENCY} concurrent`, c),
    intakeRow('gateway, alternating with the ceiling', g),
    {
      benchmark: 'intake', case: 'gateway ÷ ceiling (target ≥ 0.6)', 'ops/s': (g.perSecond / c.perSecond).toFixed(2),
      'CPU µs/op': (c.cpuPerOp / g.cpuPerOp).toFixed(2), note: 'ops/s: ratio of rates; CPU: ceiling CPU ÷ gateway CPU per application',
    },
  ];
}

/** The identity platform's key set, read as the gateway reads it (its discovery document names it). */
async function identityKeys(issuer: string): Promise<JSONWebKeySet> {
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as { jwks_uri: string };
  return await (await fetch(discovery.jwks_uri)).json() as JSONWebKeySet;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'serve') await serve(process.argv[3]!);
