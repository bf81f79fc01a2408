import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TongbanError } from '../../../src/errors/index.js';
import { signEvidence, valueDigest, verifyEvidence } from '../../../src/forms/prefill-evidence.js';
import { createKeyring, Keyring } from '../../../src/trust/keyring.js';

describe('prefill evidence token', () => {
  let keyring: Keyring;
  const evidence = {
    aud: 'platform', theme: 'MX-T05', matters: ['000107000010'], holders: { mother: '44140319920101122X' },
    fields: { 'child.name': { digest: valueDigest('王小宝'), licenceIdentifier: 'BC-1', licenceType: 'birthCertificate', issuer: '12441403MB2C12345X' } },
  };

  before(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tongban-evidence-')), 'keyring.json');
    await createKeyring(path, 'EdDSA');
    keyring = Keyring.open(path);
  });

  async function refusal(token: string, expected = { clientId: 'platform', themeCode: 'MX-T05' }, now?: number): Promise<string> {
    try {
      await verifyEvidence(keyring, token, expected, now);
    } catch (error) {
      expect((error as TongbanError).code).to.equal('PREFILL_EVIDENCE_INVALID');
      return (error as Error).message;
    }
    throw new Error('expected a refusal');
  }

  it('round-trips and carries the field digests', async () => {
    const token = await signEvidence(keyring, evidence);
    const verified = await verifyEvidence(keyring, token, { clientId: 'platform', themeCode: 'MX-T05' });
    expect(verified.fields['child.name']!.digest).to.equal(valueDigest('王小宝'));
    expect(verified.exp - verified.iat).to.equal(24 * 3600);
  });

  it('refuses another client, another theme, an expired or tampered token', async () => {
    const token = await signEvidence(keyring, evidence);
    expect(await refusal(token, { clientId: 'dept-gaj', themeCode: 'MX-T05' })).to.match(/another client/);
    expect(await refusal(token, { clientId: 'platform', themeCode: 'MX-T04' })).to.match(/theme MX-T05, not MX-T04/);
    expect(await refusal(token, undefined, Math.floor(Date.now() / 1000) + 25 * 3600)).to.match(/expired/);
    const [header, payload, signature] = token.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { fields: Record<string, { digest: string }> };
    forged.fields['child.name']!.digest = valueDigest('张三');
    expect(await refusal(`${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`)).to.match(/does not verify/);
    expect(await refusal('garbage')).to.match(/not a compact JWS/);
  });
});
