/**
 * Download links of a delivery's files: one signed, expiring link per file,
 * good only for the department it was made for and the file it names.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SubApplicationDelivery } from '../../../src/domain/department-channel.js';
import { signEvidence } from '../../../src/forms/prefill-evidence.js';
import { createDownloadLinks, verifyDownloadToken } from '../../../src/materials/download-links.js';
import { createKeyring, Keyring, rotateKeyring, retireKey } from '../../../src/trust/keyring.js';
import { expectTongbanError } from '../trust/expect-code.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const PHOTO = sha('photo');
const CONTRACT = sha('contract');

function delivery(): SubApplicationDelivery {
  return {
    deliveryId: 'd-1', idempotencyKey: 'tongban-s-1', applicationId: 'a-1', subApplicationId: 's-1', matterCode: '000107000010', matterName: '出生登记',
    departmentCode: 'gaj', form: {}, submittedAt: '2026-12-06T10:00:00+08:00',
    materials: [
      { code: 'M-01', name: '近期免冠证件照片', identity: 'CL008', satisfiedBy: 'upload', version: 1, file: { sha256: PHOTO, size: 5, mediaType: 'image/jpeg' } },
      { code: 'M-02', name: '居民身份证', identity: 'CL001', satisfiedBy: 'licence', version: 1, licenceIdentifier: 'L-1' },
      { code: 'M-03', name: '劳动合同', identity: 'CL010', satisfiedBy: 'upload', version: 1, file: { sha256: CONTRACT, size: 8, mediaType: 'application/pdf' } },
      { code: 'M-04', name: '劳动合同复印件', identity: 'CL010', satisfiedBy: 'upload', version: 1, file: { sha256: CONTRACT, size: 8, mediaType: 'application/pdf' } },
    ],
  };
}

const tokenOf = (path: string) => new URL(path, 'http://tongban.test').searchParams.get('token')!;

describe('material download links', () => {
  let path: string;
  let keyring: Keyring;
  const now = Date.parse('2026-12-06T02:00:00Z');

  beforeEach(async () => {
    path = join(mkdtempSync(join(tmpdir(), 'tongban-links-')), 'keyring.json');
    await createKeyring(path, 'EdDSA');
    keyring = Keyring.open(path, 0);
  });

  it('puts a link on every file (one per distinct file), none on a licence, and leaves the rest of the delivery as it was', async () => {
    const links = createDownloadLinks(keyring, { ttlMs: 600_000, now: () => now });
    const original = delivery();
    const linked = await links.attach(original);
    expect(linked.materials.map((material) => material.file?.download?.path.split('?')[0])).to.deep.equal([
      `/v1/departments/gaj/materials/${PHOTO}`, undefined, `/v1/departments/gaj/materials/${CONTRACT}`, `/v1/departments/gaj/materials/${CONTRACT}`,
    ]);
    expect(linked.materials[2]!.file!.download!.path).to.equal(linked.materials[3]!.file!.download!.path);
    expect(linked.materials[0]!.file!.download!.expiresAt).to.equal('2026-12-06T02:10:00.000Z');
    expect(original.materials[0]!.file!.download, 'the stored delivery is not changed').to.equal(undefined);
    const { download: _download, ...file } = linked.materials[0]!.file!;
    expect(file).to.deep.equal(original.materials[0]!.file);
  });

  it('a link verifies for its department and file until it expires; another department, another file, a later time or a forged token do not', async () => {
    const linked = await createDownloadLinks(keyring, { ttlMs: 600_000, now: () => now }).attach(delivery());
    const token = tokenOf(linked.materials[0]!.file!.download!.path);
    await verifyDownloadToken(keyring, token, { departmentCode: 'gaj', sha256: PHOTO }, now + 599_000);
    await expectTongbanError(verifyDownloadToken(keyring, token, { departmentCode: 'ybj', sha256: PHOTO }, now), 'DOWNLOAD_LINK_INVALID');
    await expectTongbanError(verifyDownloadToken(keyring, token, { departmentCode: 'gaj', sha256: CONTRACT }, now), 'DOWNLOAD_LINK_INVALID');
    await expectTongbanError(verifyDownloadToken(keyring, token, { departmentCode: 'gaj', sha256: PHOTO }, now + 600_000), 'DOWNLOAD_LINK_EXPIRED');
    const [header, payload, signature] = token.split('.');
    const otherFile = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: CONTRACT })).toString('base64url');
    await expectTongbanError(verifyDownloadToken(keyring, `${header}.${otherFile}.${signature}`, { departmentCode: 'gaj', sha256: CONTRACT }, now), 'DOWNLOAD_LINK_INVALID');
    await expectTongbanError(verifyDownloadToken(keyring, 'not-a-token', { departmentCode: 'gaj', sha256: PHOTO }, now), 'DOWNLOAD_LINK_INVALID');
  });

  it('another token of Tongban\'s (a prefill evidence) is no download link', async () => {
    const evidence = await signEvidence(keyring, { aud: 'gaj', theme: 'MX-T05', matters: [], holders: {}, fields: {} }, Math.floor(now / 1000));
    const refused = await expectTongbanError(verifyDownloadToken(keyring, evidence, { departmentCode: 'gaj', sha256: PHOTO }, now), 'DOWNLOAD_LINK_INVALID');
    expect(refused.message).to.match(/"typ" must be tongban-download\+jwt/);
  });

  it('a link made before a key rotation verifies until that key is retired', async () => {
    const linked = await createDownloadLinks(keyring, { ttlMs: 600_000, now: () => now }).attach(delivery());
    const token = tokenOf(linked.materials[0]!.file!.download!.path);
    const old = keyring.signingKey().kid;
    await rotateKeyring(path);
    await verifyDownloadToken(keyring, token, { departmentCode: 'gaj', sha256: PHOTO }, now);
    retireKey(path, old);
    await expectTongbanError(verifyDownloadToken(Keyring.open(path), token, { departmentCode: 'gaj', sha256: PHOTO }, now), 'DOWNLOAD_LINK_INVALID');
  });
});
