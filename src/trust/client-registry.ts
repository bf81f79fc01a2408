/**
 * The client registry: who may call Tongban, in which role, with which keys.
 * Kept in the database (shared by replicas); loaded from a validated file
 * and managed with `tongban clients add|list|revoke`.
 */
import { Ajv } from 'ajv';
import type { JWK } from 'jose';
import { validationError } from '../errors/index.js';
import { readTextMember } from '../forms/text-rules.js';
import type { AuthenticatedClient, Role } from '../domain/clients.js';
import type { Queryable, Store } from '../store/index.js';
import { isSignatureAlgorithm, keyFitsAlgorithm, SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from './algorithms.js';
import type { VerifyingClient } from './verify-request.js';

/** A registered client with its public keys. */
export interface RegisteredClient extends AuthenticatedClient, VerifyingClient {
  readonly name: string;
  readonly status: 'active' | 'revoked';
}

/** A client as declared in a clients file or on the command line. */
export interface ClientDeclaration {
  id: string;
  role: Role;
  department?: string;
  /** For counter clients: the service hall code. */
  hall?: string;
  name?: string;
  algorithms: SignatureAlgorithm[];
  /** Public JWKs, each with `kid` and `alg`. */
  keys: JWK[];
}

/** A service hall code (办事大厅), as counter clients and counter QR codes name it. */
export const HALL_CODE_PATTERN = '^[a-z0-9][a-z0-9-]{0,31}$';

const declarationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'role', 'algorithms', 'keys'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{1,63}$' },
    role: { enum: ['platform', 'department', 'ops', 'counter'] },
    department: { type: 'string', pattern: '^[a-z0-9]{1,32}$' },
    hall: { type: 'string', pattern: HALL_CODE_PATTERN },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    algorithms: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...SIGNATURE_ALGORITHMS] } },
    keys: {
      type: 'array', minItems: 1,
      items: { type: 'object', required: ['kid', 'alg', 'kty'], properties: { kid: { type: 'string', minLength: 1, maxLength: 128 }, alg: { type: 'string' }, kty: { type: 'string' } } },
    },
  },
  allOf: [
    { if: { properties: { role: { const: 'department' } } }, then: { required: ['department'] }, else: { not: { required: ['department'] } } },
    { if: { properties: { role: { const: 'counter' } } }, then: { required: ['hall'] }, else: { not: { required: ['hall'] } } },
  ],
} as const;

const fileSchema = {
  type: 'object', additionalProperties: false, required: ['clients'],
  properties: { $comment: { type: 'string' }, clients: { type: 'array', items: declarationSchema } },
} as const;

const ajv = new Ajv({ allErrors: true });
const validateFile = ajv.compile(fileSchema);

/**
 * Validates a clients file's content. Every problem is reported with its JSON
 * Pointer; private key members are refused (a registry holds public keys only).
 */
export function parseClientsFile(content: unknown, source = 'clients file'): ClientDeclaration[] {
  if (!validateFile(content)) {
    throw validationError((validateFile.errors ?? []).map((error) => ({ pointer: error.instancePath || '/', message: error.message ?? 'is invalid' })),
      `${source} is invalid`);
  }
  // Copies: the names are normalised, the caller's content is left as it was.
  const declarations = (content as { clients: ClientDeclaration[] }).clients.map((client) => ({ ...client }));
  const problems: { pointer: string; message: string }[] = [];
  const seen = new Set<string>();
  declarations.forEach((client, index) => {
    if (seen.has(client.id)) problems.push({ pointer: `/clients/${index}/id`, message: `duplicate client id "${client.id}"` });
    seen.add(client.id);
    // The name is shown on the dashboard and in `clients list`, and stored: one line under the text rules.
    if (client.name !== undefined) {
      const name = readTextMember(client.name, `/clients/${index}/name`, problems, { maxLength: 200 });
      if (name !== undefined) client.name = name;
    }
    client.keys.forEach((key, keyIndex) => {
      const pointer = `/clients/${index}/keys/${keyIndex}`;
      if ('d' in key) problems.push({ pointer, message: 'holds a private key member "d"; register public keys only' });
      if (!isSignatureAlgorithm(key.alg) || !client.algorithms.includes(key.alg)) {
        problems.push({ pointer: `${pointer}/alg`, message: `"${String(key.alg)}" is not among the client's algorithms` });
      } else if (!keyFitsAlgorithm(key, key.alg)) {
        problems.push({ pointer, message: `key type does not fit algorithm ${key.alg}` });
      }
    });
  });
  if (problems.length > 0) throw validationError(problems, `${source} is invalid`);
  return declarations;
}

interface ClientRow { id: string; role: Role; department: string | null; hall: string | null; name: string; algorithms: string; status: 'active' | 'revoked' }
interface KeyRow { client_id: string; kid: string; public_jwk: string }

/** Database-backed registry with a short read cache (revocations reach every replica within `cacheMs`). */
export class ClientRegistry {
  private readonly cache = new Map<string, { client: RegisteredClient | undefined; until: number }>();

  /** @param cacheMs how long a looked-up client is reused; default 5000 ms. */
  constructor(private readonly store: Store, private readonly cacheMs = 5000) {}

  /** An active client by id, or undefined when unknown or revoked. */
  async resolve(id: string): Promise<RegisteredClient | undefined> {
    const cached = this.cache.get(id);
    if (cached && cached.until > Date.now()) return cached.client;
    const client = await this.get(id);
    const active = client?.status === 'active' ? client : undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, { client: active, until: Date.now() + this.cacheMs });
    return active;
  }

  /**
   * A client by id whatever its status (no cache). Both reads are urgent
   * (QueryOptions.urgent): a request waits on them before anything else, and
   * on SQLite they must not queue behind a group of submissions (every
   * `cacheMs` a client's next request comes here).
   */
  async get(id: string): Promise<RegisteredClient | undefined> {
    const [clients, keys] = await Promise.all([
      this.store.query<ClientRow>('SELECT id, role, department, hall, name, algorithms, status FROM clients WHERE id = $1', [id], { urgent: true }),
      this.store.query<KeyRow>('SELECT client_id, kid, public_jwk FROM client_keys WHERE client_id = $1 AND revoked_at IS NULL', [id], { urgent: true }),
    ]);
    const row = clients.rows[0];
    return row ? toClient(row, keys.rows) : undefined;
  }

  /** Every client, with its active keys. */
  async list(): Promise<RegisteredClient[]> {
    const clients = await this.store.query<ClientRow>('SELECT id, role, department, hall, name, algorithms, status FROM clients ORDER BY role, id');
    const keys = await this.store.query<KeyRow>('SELECT client_id, kid, public_jwk FROM client_keys WHERE revoked_at IS NULL ORDER BY kid');
    return clients.rows.map((row) => toClient(row, keys.rows.filter((key) => key.client_id === row.id)));
  }

  /**
   * Adds clients or updates their role, algorithms and keys (keys are added,
   * never silently removed). A revoked client stays revoked. One transaction.
   */
  async upsert(declarations: readonly ClientDeclaration[]): Promise<void> {
    const now = Date.now();
    await this.store.transaction(async (tx) => {
      for (const client of declarations) await upsertOne(tx, client, now);
    });
    this.cache.clear();
  }

  /** Revokes a client; its requests are refused from now on (other replicas within the cache time). */
  async revoke(id: string): Promise<boolean> {
    const now = Date.now();
    const { rowCount } = await this.store.query("UPDATE clients SET status = 'revoked', revoked_at = $2, updated_at = $2 WHERE id = $1 AND status = 'active'", [id, now]);
    this.cache.delete(id);
    return rowCount > 0;
  }

  /** Revokes one key of a client (after the client rotated to a new one). */
  async revokeKey(id: string, kid: string): Promise<boolean> {
    const { rowCount } = await this.store.query('UPDATE client_keys SET revoked_at = $3 WHERE client_id = $1 AND kid = $2 AND revoked_at IS NULL', [id, kid, Date.now()]);
    this.cache.delete(id);
    return rowCount > 0;
  }
}

async function upsertOne(tx: Queryable, client: ClientDeclaration, now: number): Promise<void> {
  await tx.query(
    `INSERT INTO clients (id, role, department, hall, name, algorithms, status, created_at, updated_at)
     VALUES ($1, $2, $3, $7, $4, $5, 'active', $6, $6)
     ON CONFLICT (id) DO UPDATE SET role = excluded.role, department = excluded.department, hall = excluded.hall, name = excluded.name,
       algorithms = excluded.algorithms, updated_at = excluded.updated_at`,
    [client.id, client.role, client.department ?? null, client.name ?? client.id, JSON.stringify(client.algorithms), now, client.hall ?? null]);
  for (const key of client.keys) {
    await tx.query(
      `INSERT INTO client_keys (client_id, kid, alg, public_jwk, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (client_id, kid) DO NOTHING`,
      [client.id, key.kid!, key.alg!, JSON.stringify(key), now]);
  }
}

function toClient(row: ClientRow, keys: readonly KeyRow[]): RegisteredClient {
  return {
    id: row.id,
    role: row.role,
    ...(row.department ? { department: row.department } : {}),
    ...(row.hall ? { hall: row.hall } : {}),
    name: row.name,
    status: row.status,
    algorithms: JSON.parse(row.algorithms) as SignatureAlgorithm[],
    keys: Object.fromEntries(keys.map((key) => [key.kid, JSON.parse(key.public_jwk) as JWK])),
  };
}
