/**
 * What intake's transaction, sent with its COMMIT on PostgreSQL, rests on:
 * every way it can fail is a failing statement. An upload that expired or
 * was removed between the submission's check and its transaction fails the
 * assertion behind the marking (nothing of the application kept); the same
 * Idempotency-Key sent at once from two requests stores one application and
 * answers both with it.
 */
import { expect } from 'chai';
import { recordApplicationMaterials } from '../../../src/cases/record-application-materials.js';
import { TongbanError } from '../../../src/errors/index.js';
import { pipelined, type Store } from '../../../src/store/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

for (const fixture of storeFixtures()) describe(`intake's transaction in one round trip (${fixture.name})`, function () {
  let store: Store;
  const now = Date.now();

  before(async () => {
    store = await fixture.open();
  });

  after(async function () {
    await store.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function upload(id: string, options: { expiresAt?: number; referencedAt?: number | null; clientId?: string } = {}): Promise<void> {
    await store.query(
      `INSERT INTO material_uploads (id, client_id, sha256, size, media_type, created_at, expires_at, referenced_at) VALUES ($1, $2, $3, 10, 'application/pdf', $4, $5, $6)`,
      [id, options.clientId ?? 'platform-web', 'ab'.repeat(32), now - 1000, options.expiresAt ?? now + 3_600_000, options.referencedAt ?? null]);
  }

  function materials(uploadIds: string[]) {
    return {
      application: uploadIds.map((id, index) => ({ code: `MAT-${index}`, satisfiedBy: 'upload', uploadId: id, file: { sha256: 'ab'.repeat(32), size: 10, mediaType: 'application/pdf' } })),
      byMatter: new Map(), uploadIds, referencedUploadIds: new Set<string>(),
    } as unknown as Parameters<typeof recordApplicationMaterials>[3];
  }

  /** Intake's materials in a transaction sent with its COMMIT, beside a row that must share its fate. */
  function intake(applicationId: string, uploadIds: string[]): Promise<unknown> {
    return store.transaction((tx) => pipelined([
      tx.query('INSERT INTO used_jtis (client_id, jti, expires_at) VALUES ($1, $2, $3)', ['platform-web', `jti-${applicationId}`, now + 60_000]),
      tx.query(`INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at, actor)
                VALUES ($1, 'platform-web', $1, 'digest', '{}', 'MX-T33', '{}', '{}', '{}', 'received', $2, $2, '{}')`, [applicationId, now]),
      recordApplicationMaterials(tx, applicationId, 'platform-web', materials(uploadIds), now),
    ]), { commitWithStatements: true });
  }

  async function kept(applicationId: string): Promise<{ materials: number; jti: number }> {
    const { rows: [m] } = await store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM application_materials WHERE application_id = $1', [applicationId]);
    const { rows: [j] } = await store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM used_jtis WHERE jti = $1', [`jti-${applicationId}`]);
    return { materials: Number(m!.n), jti: Number(j!.n) };
  }

  it('uploads still there are marked referenced and the materials stored', async () => {
    await upload('up-fresh-1');
    await upload('up-shared', { referencedAt: now - 500 });
    await intake('app-1', ['up-fresh-1', 'up-shared']);
    expect(await kept('app-1')).to.deep.equal({ materials: 2, jti: 1 });
    const { rows } = await store.query<{ referenced_at: number | string | null }>('SELECT referenced_at FROM material_uploads WHERE id = $1', ['up-fresh-1']);
    expect(Number(rows[0]!.referenced_at)).to.equal(now);
  });

  for (const [index, [name, prepare]] of ([
    ['removed', async () => { /* never stored */ }],
    ['expired', () => upload('up-gone', { expiresAt: now - 1 })],
    ['another client\'s', () => upload('up-gone', { clientId: 'platform-other' })],
  ] as const).entries()) {
    it(`an upload ${name} since the check fails the transaction with 400 naming /materials; nothing of it is kept`, async () => {
      await store.query('DELETE FROM material_uploads WHERE id = $1', ['up-gone']);
      await prepare();
      await upload(`up-ok-${index}`);
      const applicationId = `app-gone-${index}`;
      let error: unknown;
      try {
        await intake(applicationId, [`up-ok-${index}`, 'up-gone']);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(TongbanError);
      expect((error as TongbanError).code).to.equal('VALIDATION_FAILED');
      expect(JSON.stringify((error as TongbanError).errors)).to.contain('/materials');
      expect(await kept(applicationId)).to.deep.equal({ materials: 0, jti: 0 });
      const { rows } = await store.query<{ referenced_at: unknown }>('SELECT referenced_at FROM material_uploads WHERE id = $1', [`up-ok-${index}`]);
      expect(rows[0]!.referenced_at).to.equal(null);
    });
  }
});
