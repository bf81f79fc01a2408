/**
 * The licence-use ledger on real SQLite and PostgreSQL: the hash rule, append
 * only, tampering (edit, delete, re-order, truncate) found by the service and
 * by `tongban ledger verify`, concurrent appends that never fork, and
 * entries recording who acted (hashed with the actor) beside older ones without.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import type { ActorRecord } from '../../../src/identity/index.js';
import { GENESIS_HASH, LicenceUseLedger, type LedgerEntry, type LicenceUseInput } from '../../../src/licences/index.js';
import type { Store } from '../../../src/store/index.js';
import { allPassed, storeFixtures, type StoreFixture } from '../../helpers/stores.js';
import { rejection } from '../../helpers/rejection.js';

const run = promisify(execFile);
const HOLDER = '44142119990620338X';
const OTHER_HOLDER = '441402199510214681';
/** A guardian acting for the holder: keys deliberately not in sorted order. */
const GUARDIAN: ActorRecord = {
  subjectType: 'natural', subject: 'Jt0bY4m2Qe8sVh3LxK9wRa', name: '林志强', idNumber: OTHER_HOLDER, methods: ['face'], level: 'L3', authTime: 1767225540000,
  capacity: 'guardian', guardianEvidence: '1.2.156.3005.2.TEST.birth',
};

function use(index: number, overrides: Partial<LicenceUseInput> = {}): LicenceUseInput {
  return {
    clientId: 'platform', holderCode: HOLDER, holderType: 'citizen', licenceIdentifier: `1.2.156.3005.2.TEST.${index}`, licenceType: 'residentIdCard',
    themeCode: 'MX-T05', matterCodes: ['000744622000'], useCause: `出生登记 #${index}`, authorizationId: '6f1c1f0e-5b7e-4c2a-9a53-0c1d2e3f4a5b',
    action: 'query', outcome: 'used', ...overrides,
  };
}

/** `tongban ledger verify` in a child process, against the fixture's database. */
async function cliVerify(fixture: StoreFixture): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...fixture.gatewayEnv() };
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/tongban.js', 'ledger', 'verify'], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: Number(failed.code ?? -1), stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** What an editor with DDL rights does first: remove the append-only triggers. */
async function dropAppendOnlyTriggers(store: Store): Promise<void> {
  if (store.dialect === 'postgres') {
    await store.query('DROP TRIGGER IF EXISTS licence_uses_append_only ON licence_uses');
  } else {
    await store.query('DROP TRIGGER IF EXISTS licence_uses_no_update');
    await store.query('DROP TRIGGER IF EXISTS licence_uses_no_delete');
  }
}

for (const fixture of storeFixtures()) describe(`licence-use ledger (${fixture.name})`, function () {
  this.timeout(60_000);
  let store: Store;
  let ledger: LicenceUseLedger;

  before(async () => {
    store = await fixture.open();
    ledger = new LicenceUseLedger(store, { pageSize: 4 });
  });
  after(async function () {
    await store?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('starts at the genesis hash and chains every entry by the documented rule', async () => {
    expect(await ledger.head()).to.deep.equal({ seq: 0, hash: GENESIS_HASH });
    const [first, second] = await ledger.append([use(1), use(2, { holderCode: OTHER_HOLDER, action: 'file', outcome: 'refused-invalid', matterCodes: [] })]);
    expect(first).to.include({ seq: 1, prevHash: '0'.repeat(64) });
    expect(second).to.include({ seq: 2, prevHash: first!.hash });
    // Re-derived here without the library's helpers: SHA-256 over prev_hash followed by the sorted-key JSON of the fixed fields.
    const canonical = `{"action":"query","at":${Date.parse(first!.at)},"authorizationId":"6f1c1f0e-5b7e-4c2a-9a53-0c1d2e3f4a5b","clientId":"platform",`
      + `"holderCode":"${HOLDER}","holderType":"citizen","licenceIdentifier":"1.2.156.3005.2.TEST.1","licenceType":"residentIdCard",`
      + '"matterCodes":["000744622000"],"outcome":"used","seq":1,"themeCode":"MX-T05","useCause":"出生登记 #1"}';
    expect(first!.hash).to.equal(createHash('sha256').update(GENESIS_HASH + canonical, 'utf8').digest('hex'));
    expect(await ledger.head()).to.deep.equal({ seq: 2, hash: second!.hash });
  });

  it('is append-only: UPDATE and DELETE are refused by the database', async () => {
    expect((await rejection(store.query('UPDATE licence_uses SET use_cause = $1 WHERE seq = 1', ['改']))).message).to.match(/append-only/);
    expect((await rejection(store.query('DELETE FROM licence_uses WHERE seq = 1'))).message).to.match(/append-only/);
  });

  it('appends inside a caller\'s transaction and rolls back with it, leaving no hole', async () => {
    const head = await ledger.head();
    await rejection(store.transaction(async (tx) => {
      await ledger.append([use(3)], tx);
      throw new Error('the business write failed');
    }));
    expect(await ledger.head()).to.deep.equal(head);
    const [entry] = await store.transaction((tx) => ledger.append([use(3)], tx));
    expect(entry!.seq).to.equal(head.seq + 1);
  });

  it('lists a holder\'s uses newest first, paged by seq', async () => {
    await ledger.append([4, 5, 6, 7, 8, 9, 10].map((index) => use(index)));
    const all = await ledger.listByHolder(HOLDER, { limit: 100 });
    expect(all.map((entry) => entry.seq)).to.deep.equal([10, 9, 8, 7, 6, 5, 4, 3, 1]);
    const page = await ledger.listByHolder(HOLDER, { limit: 3, before: 8 });
    expect(page.map((entry) => entry.seq)).to.deep.equal([7, 6, 5]);
    expect((await ledger.listByHolder(OTHER_HOLDER, { limit: 10 })).map((entry) => [entry.seq, entry.outcome, entry.matterCodes])).to.deep.equal([[2, 'refused-invalid', []]]);
  });

  it('verifies page by page with progress; the CLI agrees', async () => {
    const progress: [number, number][] = [];
    const result = await ledger.verify({ onProgress: (checked, total) => progress.push([checked, total]) });
    expect(result).to.deep.include({ ok: true, entries: 10, problems: [] });
    expect(progress).to.deep.equal([[4, 10], [8, 10], [10, 10]]);
    const cli = await cliVerify(fixture);
    expect(cli.code, cli.stderr).to.equal(0);
    expect(cli.stdout).to.match(new RegExp(`Ledger intact: 10 entries .* head seq 10, hash ${result.head.hash}`));
  });

  describe('tampering', () => {
    let saved: Record<string, unknown>[];
    before(async () => {
      await dropAppendOnlyTriggers(store);
      saved = (await store.query<Record<string, unknown>>('SELECT * FROM licence_uses ORDER BY seq')).rows;
    });
    const row = (seq: number) => saved.find((candidate) => Number(candidate['seq']) === seq)!;
    /** Puts the original rows back (all deleted first: hashes are unique). */
    afterEach(async () => {
      const touched = [3, 5, 7, 8, 10];
      for (const seq of touched) await store.query('DELETE FROM licence_uses WHERE seq = $1', [seq]);
      for (const seq of touched) {
        const values = row(seq);
        const columns = Object.keys(values);
        await store.query(`INSERT INTO licence_uses (${columns.join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
          columns.map((column) => values[column] as string | number));
      }
      expect((await ledger.verify()).ok, 'restored').to.equal(true);
    });

    it('an edited reason for use is a hash mismatch at that entry (service and CLI, exit 1)', async () => {
      await store.query('UPDATE licence_uses SET use_cause = $1 WHERE seq = 3', ['随便看看']);
      const result = await ledger.verify();
      expect(result.ok).to.equal(false);
      expect(result.problems.map((problem) => [problem.seq, problem.problem])).to.deep.equal([[3, 'hash-mismatch']]);
      const cli = await cliVerify(fixture);
      expect(cli.code).to.equal(1);
      expect(cli.stdout).to.match(/Ledger NOT intact: 1 problem/);
      expect(cli.stdout).to.match(/^3\s+hash-mismatch\s+/m);
    });

    it('an edit that also recomputes the entry\'s hash breaks the next link', async () => {
      await store.query('UPDATE licence_uses SET use_cause = $1, hash = $2 WHERE seq = 3', ['随便看看', 'f'.repeat(64)]);
      const result = await ledger.verify();
      expect(result.problems.map((problem) => [problem.seq, problem.problem])).to.deep.equal([[3, 'hash-mismatch'], [4, 'broken-link']]);
    });

    it('a deleted middle entry is a gap, and the next entry\'s link is broken (service and CLI)', async () => {
      await store.query('DELETE FROM licence_uses WHERE seq = 5');
      const result = await ledger.verify();
      expect(result.problems.map((problem) => [problem.seq, problem.problem])).to.deep.equal([[5, 'gap'], [6, 'broken-link']]);
      expect(result.entries).to.equal(9);
      const cli = await cliVerify(fixture);
      expect(cli.code).to.equal(1);
      expect(cli.stdout).to.match(/^5\s+gap\s+entry 5 is missing/m);
      expect(cli.stdout).to.match(/^6\s+broken-link\s+/m);
    });

    it('re-ordered entries are hash mismatches and broken links', async () => {
      await store.query('UPDATE licence_uses SET seq = -7 WHERE seq = 7');
      await store.query('UPDATE licence_uses SET seq = 7 WHERE seq = 8');
      await store.query('UPDATE licence_uses SET seq = 8 WHERE seq = -7');
      const result = await ledger.verify();
      expect(result.problems.map((problem) => [problem.seq, problem.problem])).to.deep.equal([
        [7, 'broken-link'], [7, 'hash-mismatch'], [8, 'broken-link'], [8, 'hash-mismatch'], [9, 'broken-link'],
      ]);
    });

    it('a deleted last entry is found against the head', async () => {
      await store.query('DELETE FROM licence_uses WHERE seq = 10');
      const result = await ledger.verify();
      expect(result.problems.map((problem) => [problem.seq, problem.problem])).to.deep.equal([[10, 'gap']]);
    });
  });

  describe('concurrency', () => {
    it('parallel appends through one store stay one chain', async () => {
      const head = await ledger.head();
      const written = await Promise.all(Array.from({ length: 40 }, (_, index) => ledger.append([use(100 + index)])));
      expect(written.flat().map((entry) => entry.seq).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 40 }, (_, index) => head.seq + 1 + index));
      expect((await ledger.verify()).ok).to.equal(true);
    });

    if (fixture.name === 'postgres') {
      it('concurrent appends from two stores (two gateway processes) never fork the chain', async () => {
        const other = fixture.openAnother();
        try {
          const ledgers = [ledger, new LicenceUseLedger(other)];
          const head = await ledger.head();
          const batches = await Promise.all(ledgers.flatMap((each, which) => Array.from({ length: 50 }, (_, index) =>
            each.append(index % 5 === 0 ? [use(1000 * which + index), use(1000 * which + index + 500)] : [use(1000 * which + index)]))));
          const entries: LedgerEntry[] = batches.flat();
          expect(entries).to.have.length(120);
          const seqs = entries.map((entry) => entry.seq).sort((a, b) => a - b);
          expect(seqs).to.deep.equal(Array.from({ length: 120 }, (_, index) => head.seq + 1 + index));
          expect(new Set(entries.map((entry) => entry.prevHash)).size, 'no two entries share a parent').to.equal(120);
          // A multi-entry append is contiguous: nobody slipped in between.
          for (const batch of batches.filter((each) => each.length === 2)) expect(batch[1]!.seq).to.equal(batch[0]!.seq + 1);
          const result = await ledger.verify();
          expect(result.problems).to.deep.equal([]);
          expect(result.entries).to.equal(head.seq + 120);
        } finally {
          await other.close();
        }
      });
    }
  });

  describe('who acted', () => {
    it('records the actor with each entry, hashes it (sorted keys) after entries without one, and the chain still verifies (service and CLI)', async () => {
      const head = await ledger.head();
      const [entry] = await ledger.append([use(2000, { actor: GUARDIAN })]);
      expect(entry!.actor).to.deep.equal(GUARDIAN);
      // Re-derived by hand: `actor` between `action` and `at`, its keys sorted.
      const canonical = `{"action":"query","actor":{"authTime":1767225540000,"capacity":"guardian","guardianEvidence":"1.2.156.3005.2.TEST.birth","idNumber":"${OTHER_HOLDER}",`
        + '"level":"L3","methods":["face"],"name":"林志强","subject":"Jt0bY4m2Qe8sVh3LxK9wRa","subjectType":"natural"},'
        + `"at":${Date.parse(entry!.at)},"authorizationId":"6f1c1f0e-5b7e-4c2a-9a53-0c1d2e3f4a5b","clientId":"platform",`
        + `"holderCode":"${HOLDER}","holderType":"citizen","licenceIdentifier":"1.2.156.3005.2.TEST.2000","licenceType":"residentIdCard",`
        + '"matterCodes":["000744622000"],"outcome":"used","seq":' + String(head.seq + 1) + ',"themeCode":"MX-T05","useCause":"出生登记 #2000"}';
      expect(entry!.hash).to.equal(createHash('sha256').update(head.hash + canonical, 'utf8').digest('hex'));
      const [listed] = await ledger.listByHolder(HOLDER, { limit: 1 });
      expect(listed).to.deep.equal(entry);
      expect((await ledger.listByHolder(HOLDER, { limit: 2 }))[1]!.actor, 'an entry without an actor').to.equal(null);
      expect((await ledger.verify()).problems).to.deep.equal([]);
      const cli = await cliVerify(fixture);
      expect(cli.code, cli.stderr).to.equal(0);
      expect(cli.stdout).to.match(/Ledger intact/);
    });

    it('an edited or removed actor is a hash mismatch at that entry', async () => {
      await dropAppendOnlyTriggers(store);
      const { seq } = await ledger.head();
      const [{ actor: stored }] = (await store.query<{ actor: string }>('SELECT actor FROM licence_uses WHERE seq = $1', [seq])).rows as [{ actor: string }];
      const problems = async () => (await ledger.verify()).problems.map((problem) => [problem.seq, problem.problem]);
      try {
        await store.query('UPDATE licence_uses SET actor = $1 WHERE seq = $2', [JSON.stringify({ ...GUARDIAN, capacity: 'self' }), seq]);
        expect(await problems()).to.deep.equal([[seq, 'hash-mismatch']]);
        await store.query('UPDATE licence_uses SET actor = NULL WHERE seq = $1', [seq]);
        expect(await problems()).to.deep.equal([[seq, 'hash-mismatch']]);
        await store.query('UPDATE licence_uses SET actor = $1 WHERE seq = $2', ['not json', seq]);
        expect(await problems()).to.deep.equal([[seq, 'hash-mismatch']]);
      } finally {
        await store.query('UPDATE licence_uses SET actor = $1 WHERE seq = $2', [stored, seq]);
      }
      expect((await ledger.verify()).ok, 'restored').to.equal(true);
    });
  });
});
