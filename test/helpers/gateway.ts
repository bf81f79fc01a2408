import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/gateway.js';
import { createLogger } from '../../src/log/index.js';
import { devTrustEnv } from './dev-keys.js';
import { sharedIdentityPlatform } from './identity.js';

/** Captures JSON log lines in memory so tests can assert on what was logged. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    callback();
  }
  text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }
}

/** Starts a real gateway on a free port with captured logs, trusting the shared identity platform simulator (`TONGBAN_IDENTITY_ISSUER` in `env` overrides it; empty = none). */
export async function startTestGateway(env: Record<string, string>, options: GatewayOptions = {}): Promise<{ gateway: Gateway; logs: LogCapture; config: Config }> {
  const config = loadConfig({ PORT: '0', TONGBAN_LOG_LEVEL: 'debug', ...(await devTrustEnv()), ...(await sharedIdentityPlatform()).env, ...env });
  const logs = new LogCapture();
  const gateway = await startGateway(config, { logger: createLogger({ level: 'debug', stream: logs }), ...options });
  return { gateway, logs, config };
}
