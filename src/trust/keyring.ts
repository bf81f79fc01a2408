/**
 * Tongban's own signing keys. One key is `active` (signs answers and pushes);
 * `previous` keys are still published in the JWKS and still verify, so
 * clients holding a cached JWKS keep working across a rotation; `retired`
 * keys are neither. The keyring is a JSON file (mode 0600, never committed);
 * running gateways notice a rotation by the file's modification time.
 */
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { generateKeyPair, isSignatureAlgorithm, toPublicJwk, type PrivateJwk, type PublicJwk, type SignatureAlgorithm } from './algorithms.js';

export type KeyStatus = 'active' | 'previous' | 'retired';

export interface KeyringEntry {
  readonly kid: string;
  readonly alg: SignatureAlgorithm;
  readonly privateJwk: PrivateJwk;
  readonly status: KeyStatus;
  /** ISO timestamps. */
  readonly createdAt: string;
  readonly retiredAt?: string;
}

interface KeyringFile {
  keys: KeyringEntry[];
}

function readKeyringFile(path: string): KeyringFile {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const keys = (parsed as KeyringFile | undefined)?.keys;
  if (!Array.isArray(keys)) throw new Error(`${path}: "keys" must be an array`);
  keys.forEach((entry, index) => {
    if (!entry || typeof entry.kid !== 'string' || !isSignatureAlgorithm(entry.alg) || typeof entry.privateJwk !== 'object'
      || !['active', 'previous', 'retired'].includes(entry.status)) {
      throw new Error(`${path}: /keys/${index} must have kid, alg (EdDSA|ES256|RS256|SM2), privateJwk and status`);
    }
  });
  const active = keys.filter((entry) => entry.status === 'active');
  if (active.length !== 1) throw new Error(`${path}: exactly one key must be "active" (found ${active.length})`);
  return { keys };
}

function writeKeyringFile(path: string, file: KeyringFile): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** The keyring as a running gateway uses it: reloads itself when the file changes. */
export class Keyring {
  private file: KeyringFile;
  private mtimeMs: number;
  private checkedAt = 0;

  private constructor(private readonly path: string, private readonly recheckMs: number) {
    this.file = readKeyringFile(path);
    this.mtimeMs = statSync(path).mtimeMs;
  }

  /**
   * Opens a keyring file.
   * @param recheckMs how often (at most) the file is checked for a rotation; default 2000 ms.
   */
  static open(path: string, recheckMs = 2000): Keyring {
    return new Keyring(path, recheckMs);
  }

  /** The key that signs now. */
  signingKey(): PrivateJwk {
    this.refresh();
    const active = this.file.keys.find((entry) => entry.status === 'active')!;
    return { ...active.privateJwk, kid: active.kid, alg: active.alg };
  }

  /** Public keys that verify Tongban's signatures: the active one first, then previous ones. */
  publicKeys(): PublicJwk[] {
    this.refresh();
    return this.file.keys
      .filter((entry) => entry.status !== 'retired')
      .sort((a, b) => (a.status === 'active' ? -1 : b.status === 'active' ? 1 : 0))
      .map((entry) => ({ ...toPublicJwk(entry.privateJwk), kid: entry.kid, alg: entry.alg, use: 'sig' }));
  }

  entries(): readonly KeyringEntry[] {
    this.refresh();
    return this.file.keys;
  }

  private refresh(): void {
    const now = Date.now();
    if (now - this.checkedAt < this.recheckMs) return;
    this.checkedAt = now;
    try {
      const mtimeMs = statSync(this.path).mtimeMs;
      if (mtimeMs !== this.mtimeMs) {
        this.file = readKeyringFile(this.path);
        this.mtimeMs = mtimeMs;
      }
    } catch {
      // A half-written or removed file: keep signing with the keys already loaded.
    }
  }
}

/** Creates a keyring with one new active key. Refuses to overwrite an existing file. */
export async function createKeyring(path: string, alg: SignatureAlgorithm = 'EdDSA'): Promise<KeyringEntry> {
  if (existsSync(path)) throw new Error(`${path} exists already; use "tongban keys rotate"`);
  const entry = await newEntry(alg);
  writeKeyringFile(path, { keys: [entry] });
  return entry;
}

/** Makes a new key active; the old active key becomes `previous` (still published and verifying). */
export async function rotateKeyring(path: string, alg?: SignatureAlgorithm): Promise<KeyringEntry> {
  const file = readKeyringFile(path);
  const current = file.keys.find((entry) => entry.status === 'active')!;
  const entry = await newEntry(alg ?? current.alg);
  return addActive(path, file, entry);
}

/** Adds an imported private key (production keys from PEM / PKCS#12) as the active key. */
export function importIntoKeyring(path: string, privateJwk: PrivateJwk, alg: SignatureAlgorithm): KeyringEntry {
  const file = existsSync(path) ? readKeyringFile(path) : { keys: [] };
  const kid = privateJwk.kid ?? `imported-${Date.now()}`;
  if (file.keys.some((entry) => entry.kid === kid)) throw new Error(`key ${kid} is already in the keyring`);
  return addActive(path, file, { kid, alg, privateJwk: { ...privateJwk, kid, alg }, status: 'active', createdAt: new Date().toISOString() });
}

/** Retires a previous key: it leaves the JWKS and stops verifying. The active key cannot be retired. */
export function retireKey(path: string, kid: string): KeyringEntry {
  const file = readKeyringFile(path);
  const entry = file.keys.find((candidate) => candidate.kid === kid);
  if (!entry) throw new Error(`no key ${kid} in ${path}`);
  if (entry.status === 'active') throw new Error(`key ${kid} is active; rotate first`);
  const retired: KeyringEntry = { ...entry, status: 'retired', retiredAt: new Date().toISOString() };
  writeKeyringFile(path, { keys: file.keys.map((candidate) => (candidate.kid === kid ? retired : candidate)) });
  return retired;
}

function addActive(path: string, file: KeyringFile, entry: KeyringEntry): KeyringEntry {
  const demoted = file.keys.map((existing) => (existing.status === 'active' ? { ...existing, status: 'previous' as const } : existing));
  writeKeyringFile(path, { keys: [...demoted, entry] });
  return entry;
}

async function newEntry(alg: SignatureAlgorithm): Promise<KeyringEntry> {
  const { privateJwk } = await generateKeyPair(alg);
  return { kid: privateJwk.kid!, alg, privateJwk, status: 'active', createdAt: new Date().toISOString() };
}
