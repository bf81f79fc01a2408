/**
 * `tongban call METHOD PATH`: one signed request to the gateway by hand (curl
 * gets 401: every /v1 request must carry a Tongban signature). Signs with a
 * development client's key from the keys folder, verifies the answer's
 * signature against the gateway's JWKS, and prints the status line and the
 * verification (stderr) and the body, pretty-printed (stdout, so it pipes
 * into jq). With `--id-token`, the applicant's ID token from the identity
 * platform travels in `Tongban-Id-Token`, bound to the signature by its `idt`
 * claim. Exit 0 for a verified 2xx, 1 for any other answer, 2 for a usage
 * error.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { isTongbanError } from '../errors/index.js';
import { loadDepartments } from '../delivery/department-registry.js';
import type { PrivateJwk } from '../trust/algorithms.js';
import { developmentClients } from '../trust/dev-material.js';
import { SIGNATURE_HEADER } from '../trust/claims.js';
import { decodeProtectedHeader } from '../trust/jws.js';
import { createSigningClient, jwks, type SigningClientResponse } from '../trust/signing-client.js';
import { verifyResponse } from '../trust/verify-response.js';
import { loadCliConfig, runningSandboxUrl } from './cli-config.js';
import { SANDBOX_STATE_FILE } from './sandbox-state.js';

/** Where `call` sends when no sandbox runs here and no --url is given. */
const DEFAULT_URL = 'http://127.0.0.1:8080';
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

/** A mistake in how the command was called: exit 2. */
class UsageError extends Error {}

interface CallOptions {
  data?: string; file?: string; contentType?: string; as: string; url?: string; header: string[]; idempotencyKey?: string; output?: string; idToken?: string;
}

/** The client ids `--as` accepts: the development clients (platform, the counter terminals, ops, one dept-<code> per department). */
function clientIds(): string[] {
  return developmentClients(loadDepartments()).map((client) => client.id);
}

/** A compact JWS: three base64url parts. */
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The ID token of `--id-token`: the token itself, or `@file` to read it from a file; white space around it ignored. */
function readIdToken(value: string): string {
  let token = value;
  if (value.startsWith('@')) {
    try {
      token = readFileSync(value.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(`--id-token ${value}: cannot read ${value.slice(1)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  token = token.trim();
  if (!COMPACT_JWS.test(token)) throw new UsageError('--id-token must be an ID token from the identity platform (a compact JWS: three base64url parts joined by dots), or @file holding one');
  return token;
}

/** The body bytes of `--data`: JSON given inline, `@file`, or `-` for stdin; checked to be JSON. */
function readData(data: string): Buffer {
  let bytes: Buffer;
  let from: string;
  if (data === '-') { bytes = readFileSync(0); from = 'stdin'; }
  else if (data.startsWith('@')) {
    const file = data.slice(1);
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new UsageError(`--data ${data}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    from = file;
  } else { bytes = Buffer.from(data, 'utf8'); from = 'the argument'; }
  try {
    JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new UsageError(`--data: ${from} is not JSON (${(error as Error).message})`);
  }
  return bytes;
}

/** Media types guessed from a file's extension when --content-type is not given. */
const TYPES_BY_EXTENSION: Readonly<Record<string, string>> = { pdf: 'application/pdf', ofd: 'application/ofd', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };

/** The raw body of `--file` (sent as it is, not checked to be JSON) and its Content-Type. */
function readFile(file: string, contentType: string | undefined): { bytes: Buffer; type: string } {
  const type = contentType ?? TYPES_BY_EXTENSION[file.split('.').pop()!.toLowerCase()];
  if (!type) throw new UsageError(`--file ${file}: give its media type with --content-type (e.g. application/pdf)`);
  try {
    return { bytes: readFileSync(file), type };
  } catch (error) {
    throw new UsageError(`--file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function parseHeaders(headers: readonly string[]): Record<string, string> {
  const parsed: Record<string, string> = {};
  for (const header of headers) {
    const colon = header.indexOf(':');
    if (colon < 1) throw new UsageError(`--header must be "Name: value" (got "${header}")`);
    parsed[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  return parsed;
}

/** Verifies the answer's Tongban-Signature; the reason when it cannot be. */
async function verification(answer: SigningClientResponse, url: string, clientId: string): Promise<{ verified: true; kid: string; alg: string } | { verified: false; reason: string }> {
  if (!answer.headers[SIGNATURE_HEADER]) return { verified: false, reason: 'the answer carries no Tongban-Signature header' };
  let keys;
  try {
    keys = await jwks(url);
  } catch (error) {
    return { verified: false, reason: `cannot read the gateway's public keys: ${(error as Error).message}` };
  }
  try {
    await verifyResponse({ body: answer.raw, headers: answer.headers }, { keys, audience: clientId, requestJti: answer.requestJti });
  } catch (error) {
    if (!isTongbanError(error)) throw error;
    return { verified: false, reason: `${error.code}: ${error.message}` };
  }
  const header = decodeProtectedHeader(answer.headers[SIGNATURE_HEADER]);
  return { verified: true, kid: String(header.kid), alg: String(header.alg) };
}

function printBody(answer: SigningClientResponse, output: string | undefined): void {
  if (output) {
    writeFileSync(output, answer.raw);
    process.stderr.write(`body: ${answer.raw.length} bytes written to ${output}\n`);
    return;
  }
  if (answer.raw.length === 0) return;
  const type = answer.headers['content-type'] ?? '';
  if (typeof answer.body === 'object') process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
  else if (/^text\/|[/+](json|xml)\b/i.test(type)) process.stdout.write(`${String(answer.body)}\n`);
  else process.stderr.write(`body: ${answer.raw.length} bytes of ${type || 'unknown type'} (not printed; save it with --output <file>)\n`);
}

async function call(method: string, path: string, options: CallOptions): Promise<number> {
  const upper = method.toUpperCase();
  if (!METHODS.includes(upper)) throw new UsageError(`METHOD must be one of ${METHODS.join(', ')} (got "${method}")`);
  if (!path.startsWith('/')) throw new UsageError(`PATH must start with "/", e.g. /v1/themes (got "${path}")`);
  const known = clientIds();
  if (!known.includes(options.as)) {
    throw new UsageError(`--as must be ${known.filter((id) => !id.startsWith('dept-')).join(', ')} or dept-<code> of a department (${known.filter((id) => id.startsWith('dept-')).slice(0, 4).join(', ')}, …); got "${options.as}"`);
  }
  const idToken = options.idToken === undefined ? undefined : readIdToken(options.idToken);
  const url = options.url ?? runningSandboxUrl() ?? DEFAULT_URL;
  try {
    new URL(url); // eslint-disable-line no-new
  } catch {
    throw new UsageError(`--url must be a URL such as ${DEFAULT_URL} (got "${url}")`);
  }
  const certsDir = resolve(loadCliConfig().config.certsDir);
  const keyFile = join(certsDir, `${options.as}.jwk.json`);
  if (!existsSync(keyFile)) throw new UsageError(`no key for ${options.as} at ${keyFile}: start the sandbox (npm start) or run \`npx tongban keys init\` in this folder, or set TONGBAN_CERTS_DIR`);
  const headers = parseHeaders(options.header);
  if (options.data !== undefined && options.file !== undefined) throw new UsageError('give --data or --file, not both');
  if (options.contentType !== undefined && options.file === undefined) throw new UsageError('--content-type goes with --file');
  const file = options.file === undefined ? undefined : readFile(options.file, options.contentType);
  const body = file ? file.bytes : options.data === undefined ? undefined : readData(options.data);
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = file ? file.type : 'application/json';
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key')) {
    const generated = options.idempotencyKey === undefined && upper === 'POST' && path.split('?')[0] === '/v1/applications';
    const key = options.idempotencyKey ?? (generated ? `call-${randomUUID()}` : undefined);
    if (key !== undefined) {
      headers['Idempotency-Key'] = key;
      if (generated) process.stderr.write(`Idempotency-Key: ${key} (generated; send it again with --idempotency-key to repeat this submission safely)\n`);
    }
  }

  const key = JSON.parse(readFileSync(keyFile, 'utf8')) as PrivateJwk;
  const client = createSigningClient({ baseUrl: url, clientId: options.as, key }); // no keys: verified below, with the reason when not
  let answer: SigningClientResponse;
  try {
    answer = await client.request(upper, path, { ...(body !== undefined ? { body } : {}), ...(idToken !== undefined ? { idToken } : {}), headers });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    process.stderr.write(`tongban: no answer from ${url} (${cause?.code ?? cause?.message ?? (error as Error).message})${options.url ? '' : ': start the sandbox with `npm start`, or give --url'}\n`);
    return 1;
  }
  const result = await verification(answer, url, options.as);
  process.stderr.write(`HTTP ${answer.status} ${STATUS_CODES[answer.status] ?? ''}  (${upper} ${new URL(url).origin}${path} as ${options.as}${idToken === undefined ? '' : ', with an ID token'})\n`);
  process.stderr.write(result.verified
    ? `✓ verified: signed by Tongban key ${result.kid} (${result.alg}), for ${options.as}, answering this request\n`
    : `✗ NOT verified: ${result.reason}\n`);
  printBody(answer, options.output);
  return answer.status >= 200 && answer.status <= 299 && result.verified ? 0 : 1;
}

export function registerCallCommand(program: Command): void {
  program.command('call')
    .description('Send one signed request to the gateway (like curl, signed with a development key) and verify the signed answer. Exit 0 for a verified 2xx, 1 otherwise, 2 for a usage error')
    .argument('<method>', 'GET, POST, PUT, PATCH, DELETE')
    .argument('<path>', 'path and query, e.g. /v1/themes or "/v1/ops/deliveries?state=dead"')
    .option('--data <json>', 'request body: JSON, @file to read a file, - to read stdin')
    .option('--file <path>', 'raw request body: the file\'s bytes as they are (e.g. a material for POST /v1/materials)')
    .option('--content-type <type>', 'Content-Type of --file (default from its extension: .pdf, .ofd, .jpg/.jpeg, .png)')
    .option('--as <client>', 'whose key signs: platform, window-meizhou (a counter), ops or dept-<code>', 'platform')
    .option('--url <url>', `gateway URL (default: the running sandbox's, from ${SANDBOX_STATE_FILE}, else ${DEFAULT_URL})`)
    .option('--header <name:value>', 'extra request header (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--idempotency-key <key>', 'Idempotency-Key header (generated for POST /v1/applications when not given)')
    .option('--output <file>', 'write the body to a file instead of printing it (e.g. a sealed PDF)')
    .option('--id-token <token>', 'the applicant\'s ID token from the identity platform (or @file): sent as Tongban-Id-Token and bound to the signature (idt); authorisations, licence reads, prefill and submissions need one')
    .exitOverride((error) => { process.exit(error.exitCode === 0 ? 0 : 2); }) // commander has printed the usage error
    .action(async (method: string, path: string, options: CallOptions) => {
      try {
        process.exitCode = await call(method, path, options);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        process.stderr.write(`tongban call: ${error.message}\n`);
        process.exitCode = 2;
      }
    });
}
