/**
 * Test helpers: drive the local `openssl` binary and convert between the
 * encodings it speaks (DER, PEM) and the ones Tongban uses (r‖s, JWK).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Result of one openssl run. */
export interface OpensslRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs openssl with `args` in `cwd`; never throws on a non-zero exit. */
export function openssl(args: readonly string[], cwd?: string): OpensslRun {
  const run = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (run.error !== undefined) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs openssl and returns stdout, throwing with stderr on failure. */
export function opensslOk(args: readonly string[], cwd?: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh temporary directory and a function removing it. */
export function temporaryDirectory(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Whether the local OpenSSL can generate an SM2 key and sign with SM3 and a distinguishing id. */
export function opensslSupportsSm2(): boolean {
  const directory = temporaryDirectory('sm2-probe-');
  try {
    const key = openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'k.pem'], directory.path);
    if (key.status !== 0) return false;
    return openssl(['list', '-digest-algorithms'], directory.path).stdout.includes('SM3');
  } catch {
    return false;
  } finally {
    directory.remove();
  }
}

function readLength(der: Buffer, offset: number): { length: number; next: number } {
  const first = der[offset]!;
  if (first < 0x80) return { length: first, next: offset + 1 };
  const count = first & 0x7f;
  let length = 0;
  for (let index = 0; index < count; index += 1) length = length * 256 + der[offset + 1 + index]!;
  return { length, next: offset + 1 + count };
}

function readInteger(der: Buffer, offset: number): { value: Buffer; next: number } {
  if (der[offset] !== 0x02) throw new Error('expected INTEGER');
  const { length, next } = readLength(der, offset + 1);
  return { value: der.subarray(next, next + length), next: next + length };
}

function toFixed32(integer: Buffer): Buffer {
  const trimmed = integer.subarray(integer.findIndex((byte) => byte !== 0));
  if (trimmed.length > 32) throw new Error('integer longer than 32 bytes');
  return Buffer.concat([Buffer.alloc(32 - trimmed.length), trimmed]);
}

/** DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` → 64-byte r‖s. */
export function derSignatureToRaw(der: Buffer): Buffer {
  if (der[0] !== 0x30) throw new Error('expected SEQUENCE');
  const { next } = readLength(der, 1);
  const r = readInteger(der, next);
  const s = readInteger(der, r.next);
  return Buffer.concat([toFixed32(r.value), toFixed32(s.value)]);
}

function derInteger(unsigned: Buffer): Buffer {
  let bytes = unsigned.subarray(Math.max(0, unsigned.findIndex((byte) => byte !== 0)));
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** 64-byte r‖s → DER `ECDSA-Sig-Value`. */
export function rawSignatureToDer(raw: Uint8Array): Buffer {
  const body = Buffer.concat([derInteger(Buffer.from(raw.subarray(0, 32))), derInteger(Buffer.from(raw.subarray(32)))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/**
 * SubjectPublicKeyInfo PEM of an SM2 public key: id-ecPublicKey with the
 * named curve 1.2.156.10197.1.301 and the uncompressed point 04‖x‖y.
 */
export function sm2PublicKeyPem(x: Buffer, y: Buffer): string {
  const prefix = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d03420004', 'hex');
  const der = Buffer.concat([prefix, x, y]);
  const lines = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN PUBLIC KEY-----\n${lines}\n-----END PUBLIC KEY-----\n`;
}

/** The `priv:` and `pub:` hex blocks of `openssl pkey -text -noout`. */
export function parseOpensslKeyText(text: string): { privateKey: Buffer; publicKey: Buffer } {
  const block = (label: string): string => {
    const match = new RegExp(`${label}:\\s*\\n((?:\\s+[0-9a-f:]+\\n?)+)`).exec(text);
    if (match?.[1] === undefined) throw new Error(`no ${label} block in openssl output`);
    return match[1].replace(/[\s:]/g, '');
  };
  const privateKey = Buffer.from(BigInt(`0x${block('priv')}`).toString(16).padStart(64, '0'), 'hex');
  return { privateKey, publicKey: Buffer.from(block('pub'), 'hex') };
}
