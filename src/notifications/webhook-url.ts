/**
 * Which URLs a webhook endpoint may have (SSRF care): http or https only,
 * no credentials in it, and never the gateway's own listening address —
 * the gateway would otherwise be made to call itself with its own signature.
 */
import { hostname as machineName, networkInterfaces } from 'node:os';
import { validationError } from '../errors/index.js';

/** Where this gateway listens: its URL and its configured host and port. */
export interface OwnAddress {
  url: string;
  host: string;
  port: number;
}

/** The longest endpoint URL accepted. */
export const MAX_URL_LENGTH = 2000;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}|localhost|localhost\.|0\.0\.0\.0|::)$/;

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

function bare(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '');
}

/**
 * The URL, parsed and checked.
 * @throws TongbanError VALIDATION_FAILED naming `pointer` when it is not http(s), carries credentials, or is the gateway's own address.
 */
export function checkWebhookUrl(value: unknown, own: OwnAddress, pointer = '/url'): string {
  const refuse = (message: string) => validationError([{ pointer, message }]);
  if (typeof value !== 'string' || value.length === 0) throw refuse('is required: the absolute http(s) URL to POST events to');
  if (value.length > MAX_URL_LENGTH) throw refuse(`must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse('is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`must be http or https, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username || url.password) throw refuse('must not carry credentials');
  if (isOwnAddress(url, own)) throw refuse('points at the gateway itself');
  return url.toString();
}

/** Whether `url` reaches this gateway: its port, on one of its names or a loopback/unspecified address. */
export function isOwnAddress(url: URL, own: OwnAddress): boolean {
  const gateway = new URL(own.url);
  const ports = new Set([portOf(gateway), ...(own.port > 0 ? [own.port] : [])]);
  if (!ports.has(portOf(url))) return false;
  const host = bare(url.hostname);
  const names = new Set([bare(gateway.hostname), bare(own.host), machineName().toLowerCase()]);
  // Listening on every interface (0.0.0.0, ::): each of the machine's addresses reaches it.
  if (/^(0\.0\.0\.0|::)$/.test(bare(own.host))) {
    for (const addresses of Object.values(networkInterfaces())) for (const address of addresses ?? []) names.add(bare(address.address));
  }
  if (names.has(host)) return true;
  // The gateway listening on every interface (0.0.0.0, ::) or on loopback answers on every loopback address.
  return LOOPBACK.test(host) && (LOOPBACK.test(bare(own.host)) || LOOPBACK.test(bare(gateway.hostname)));
}
