/**
 * Where the dashboard's session secret comes from: `TONGBAN_OPS_SESSION_SECRET`
 * when set (give every replica the same one), else `ops-session.key` in the
 * keyring folder, made on first start. Changing it logs everybody out.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../../gateway-setup.js';

export const SESSION_SECRET_FILE = 'ops-session.key';

/** The secret as bytes; the file is created (mode 0600) when missing. */
export function opsSessionSecret(config: { readonly opsSessionSecret?: string; readonly certsDir: string }): Buffer {
  if (config.opsSessionSecret) return Buffer.from(config.opsSessionSecret, 'utf8');
  const path = join(config.certsDir, SESSION_SECRET_FILE);
  try {
    // `wx`: two replicas starting at once on a shared folder keep the first one's secret.
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new StartupError(`Cannot create the ops session secret ${path} (TONGBAN_CERTS_DIR): ${(error as Error).message}; set TONGBAN_OPS_SESSION_SECRET instead`, { cause: error });
    }
  }
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 32) throw new StartupError(`The ops session secret in ${path} is shorter than 32 characters; delete it to make a new one`);
  return Buffer.from(secret, 'utf8');
}
