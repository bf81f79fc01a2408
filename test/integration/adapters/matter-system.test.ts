import axios from 'axios';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createMatterSystemAdapter, type MatterSystemSettings } from '../../../adapters/matter-system/index.js';
import { MATTERS_PATH, THEMES_PATH } from '../../../adapters/matter-system/matter-system-api.js';
import { signatureHeaders } from '../../../adapters/matter-system/matter-system-signature.js';
import type { SeedCatalogue } from '../../../adapters/matter-system/catalogue/parse-seed.js';
import {
  DEFAULT_MATTER_SYSTEM_CREDENTIALS as CREDENTIALS, startMatterSystemSimulator, type MatterSystemSimulator,
} from '../../../adapters/matter-system/simulator/index.js';
import { validateBasicCode, validateCreditCode, validateImplementationCode } from '../../../src/domain/identifiers/index.js';
import type { Matter } from '../../../src/domain/matter-catalog.js';
import { UpstreamError, type UpstreamErrorKind } from '../../../src/domain/upstream-error.js';

const seed = JSON.parse(readFileSync(new URL('../../../adapters/matter-system/catalogue/themes.json', import.meta.url), 'utf8')) as SeedCatalogue;

/** Awaits a promise that must fail with an UpstreamError of the given kind. */
async function expectUpstreamError(promise: Promise<unknown>, expected: { kind: UpstreamErrorKind; retryable: boolean; upstreamCode?: string; status?: number }): Promise<UpstreamError> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  expect(error, 'expected the call to fail').to.be.instanceOf(UpstreamError);
  const upstream = error as UpstreamError;
  expect(upstream).to.include({ system: 'matter-system', kind: expected.kind, retryable: expected.retryable });
  if (expected.upstreamCode !== undefined) expect(upstream.upstreamCode).to.equal(expected.upstreamCode);
  if (expected.status !== undefined) expect(upstream.upstreamStatus).to.equal(expected.status);
  return upstream;
}

/** One signed GET straight through axios (no adapter), answering status and parsed body. */
async function signedGet(simulator: MatterSystemSimulator, pathWithQuery: string, headers = signatureHeaders({ ...CREDENTIALS, method: 'GET', pathWithQuery, nowMs: Date.now() })) {
  const response = await axios.get<string>(simulator.url + pathWithQuery, { headers, responseType: 'text', transformResponse: [(data: string) => data], validateStatus: () => true });
  return { status: response.status, body: JSON.parse(response.data) as { code: number; msg: string; data?: { total: number; records: unknown[] } } };
}

describe('matter-system adapter against its simulator (real sockets)', () => {
  let simulator: MatterSystemSimulator;
  const adapter = (overrides: Partial<MatterSystemSettings> = {}) => createMatterSystemAdapter({ baseUrl: simulator.url, ...CREDENTIALS, timeoutMs: 3000, ...overrides });

  before(async () => {
    simulator = await startMatterSystemSimulator();
  });
  afterEach(() => simulator.faults.reset());
  after(() => simulator.close());

  describe('catalogue', () => {
    it('lists exactly the 40 themes of the seed table, with their matters and departments', async () => {
      const catalog = adapter();
      const [themes, matters] = await Promise.all([catalog.listThemes(), catalog.listMatters()]);
      expect(themes).to.have.length(40);
      expect(matters).to.have.length(104);
      const matterByCode = new Map(matters.map((matter) => [matter.code, matter]));
      themes.forEach((theme, index) => {
        const row = seed.themes[index]!;
        expect(theme).to.include({ code: row.code, sequence: row.sequence, name: row.name, serviceHall: row.serviceHall, notes: row.notes, subjectType: row.subjectType, status: 'active' });
        const listed = theme.matterCodes.map((code) => matterByCode.get(code)!);
        const expected = row.matters.map((id) => seed.matters.find((matter) => matter.id === id)!);
        expect(listed.map((matter) => [matter.name, matter.department.name, matter.department.code]), theme.name)
          .to.deep.equal(expected.map((matter) => [matter.name, matter.departmentName, matter.departmentCode]));
      });
      // Whatever the simulator holds is what the adapter returns, field for field.
      expect(themes).to.deep.equal(simulator.themes());
      expect(matters).to.deep.equal(simulator.matters());
    });

    it('serves specific rows of the table by value', async () => {
      const catalog = adapter();
      const names = async (themeCode: string) => {
        const theme = (await catalog.getTheme(themeCode))!;
        const matters = await Promise.all(theme.matterCodes.map(async (code) => (await catalog.getMatter(code))!));
        return { theme, rows: matters.map((matter) => [matter.name, matter.department.name]) };
      };
      const birth = await names('MX-T05');
      expect(birth.theme).to.include({ name: '婴儿“出生一件事”', sequence: 5, subjectType: 'personal', serviceHall: '' });
      expect(birth.rows).to.deep.equal([['国（境）内出生登记', '公安局'], ['社会保障卡申领', '民政和人社局'], ['城乡居民参保登记', '医疗保障局']]);

      const transfer = await names('MX-T10');
      expect(transfer.theme).to.include({ name: '不动产转移登记一件事', serviceHall: '梅县区政务服务中心' });
      expect(transfer.rows).to.deep.equal([
        ['国有建设用地使用权及房屋所有权登记(转移登记)', '自然资源局'], ['房产交易申报', '税务局'], ['代开增值税普通发票', '税务局'], ['房屋买卖合同网签备案', '住房和城乡建设局'],
      ]);

      const driver = await names('MX-T09');
      expect(driver.rows[1]).to.deep.equal(['经营性道路旅客运输驾驶员从业资格证申领(核发)', '交通运输局']);
      const cityLevel = (await catalog.getMatter(driver.theme.matterCodes[1]!))!;
      expect(cityLevel).to.include({ notes: '市级审批', level: 3 });
      expect((await catalog.getMatter(driver.theme.matterCodes[0]!))!).to.include({ notes: '', level: 4 });

      expect((await catalog.getTheme('MX-T29'))!.notes).to.equal('其他涉及事项待条件成熟时再纳入实施');
      expect(await catalog.getTheme('MX-T99')).to.equal(undefined);
      expect(await catalog.getMatter('000799999000')).to.equal(undefined);
    });

    it('validates every generated code', async () => {
      const matters = await adapter().listMatters();
      for (const matter of matters) {
        expect(validateBasicCode(matter.code).ok, matter.code).to.equal(true);
        const implementation = validateImplementationCode(matter.implementationCode);
        expect(implementation.ok, matter.implementationCode).to.equal(true);
        if (implementation.ok) expect(validateCreditCode(implementation.creditCode).ok).to.equal(true);
        expect(matter.implementationCode.endsWith(matter.code)).to.equal(true);
      }
      for (const department of simulator.departments) expect(validateCreditCode(department.creditCode).ok, department.code).to.equal(true);
    });

    for (const pageSize of [1, 7, 100]) {
      it(`walks every page with pageSize ${pageSize}, one request per page`, async () => {
        const before = simulator.requestCount();
        const matters = await adapter({ pageSize }).listMatters();
        expect(simulator.requestCount() - before).to.equal(Math.ceil(104 / pageSize));
        expect(matters.map((matter) => matter.code)).to.deep.equal(simulator.matters().map((matter) => matter.code));
      });
    }

    it('answers paging parameters like the upstream', async () => {
      expect((await signedGet(simulator, `${THEMES_PATH}?pageSize=101`))).to.deep.include({ status: 400 }).and.nested.include({ 'body.code': 40001 });
      expect((await signedGet(simulator, `${THEMES_PATH}?pageNo=0`)).body.code).to.equal(40001);
      expect((await signedGet(simulator, `${THEMES_PATH}?updatedSince=yesterday`)).body.code).to.equal(40001);
      const beyond = await signedGet(simulator, `${THEMES_PATH}?pageNo=9&pageSize=5`);
      expect(beyond.body.code).to.equal(0);
      expect(beyond.body.data).to.include({ total: 40 }).and.have.property('records').that.deep.equals([]);
      const future = new Date(Date.now() + 86_400_000).toISOString();
      expect((await signedGet(simulator, `${MATTERS_PATH}?updatedSince=${encodeURIComponent(future)}`)).body.data).to.include({ total: 0 });
    });
  });

  describe('incremental sync', () => {
    let changing: MatterSystemSimulator;
    before(async () => {
      changing = await startMatterSystemSimulator();
    });
    after(() => changing.close());

    it('returns only what changed after a watermark', async () => {
      const catalog = createMatterSystemAdapter({ baseUrl: changing.url, ...CREDENTIALS });
      const all = await catalog.listMatters();
      const watermark = Math.max(...all.map((matter) => Date.parse(matter.updatedAt))) + 1;
      expect(await catalog.listMatters({ updatedSince: watermark })).to.deep.equal([]);

      const target = all[20]!;
      changing.touchMatter(target.code);
      const changed = await catalog.listMatters({ updatedSince: watermark });
      expect(changed.map((matter) => [matter.code, matter.version])).to.deep.equal([[target.code, 2]]);
      expect(Date.parse(changed[0]!.updatedAt)).to.be.at.least(watermark);

      const next = Date.parse(changed[0]!.updatedAt) + 1;
      changing.updateMatter(all[3]!.code, { promisedDays: 1, notes: '试点' });
      const [updated] = await catalog.listMatters({ updatedSince: new Date(next) });
      expect(updated).to.deep.include({ code: all[3]!.code, promisedDays: 1, notes: '试点', version: 2 });

      expect(await catalog.listThemes({ updatedSince: watermark })).to.deep.equal([]);
      changing.removeTheme('MX-T30');
      const withdrawn = await catalog.listThemes({ updatedSince: watermark });
      expect(withdrawn.map((theme) => [theme.code, theme.status, theme.version])).to.deep.equal([['MX-T30', 'withdrawn', 2]]);
      expect((await catalog.getTheme('MX-T30'))!.status).to.equal('withdrawn');
      expect(await catalog.listThemes()).to.have.length(40);
    });

    it('refuses a matter whose data does not validate instead of trusting it', async () => {
      const catalog = createMatterSystemAdapter({ baseUrl: changing.url, ...CREDENTIALS, pageSize: 10 });
      const victim: Matter = changing.matters()[15]!;
      changing.updateMatter(victim.code, { implementationCode: `${victim.implementationCode.slice(0, 17)}0${victim.implementationCode.slice(18)}` });
      const error = await expectUpstreamError(catalog.listMatters(), { kind: 'malformed', retryable: false });
      expect(error.message).to.include('/data/records/5/taskCode');
      await expectUpstreamError(catalog.getMatter(victim.code), { kind: 'malformed', retryable: false });
      changing.updateMatter(victim.code, { implementationCode: victim.implementationCode });
      expect(await catalog.listMatters()).to.have.length(104);
    });
  });

  describe('authentication', () => {
    it('refuses a wrong secret as a non-retryable auth error', async () => {
      const error = await expectUpstreamError(adapter({ appSecret: 'wrong' }).listThemes(), { kind: 'auth', retryable: false, upstreamCode: '40102', status: 401 });
      expect(error.message).to.match(/signature does not verify/);
    });

    it('refuses an unknown app key', async () => {
      await expectUpstreamError(adapter({ appKey: 'stranger' }).getTheme('MX-T01'), { kind: 'auth', retryable: false, upstreamCode: '40101' });
    });

    it('tells a skewed clock apart, and accepts one within ±600 s', async () => {
      const error = await expectUpstreamError(adapter({ now: () => Date.now() - 3_600_000 }).listThemes(), { kind: 'auth', retryable: false, upstreamCode: '40103', status: 401 });
      expect(error.message).to.match(/clock skew/);
      await expectUpstreamError(adapter({ now: () => Date.now() + 700_000 }).getTheme('MX-T01'), { kind: 'auth', retryable: false, upstreamCode: '40103' });
      expect((await adapter({ now: () => Date.now() - 300_000 }).getTheme('MX-T01'))!.code).to.equal('MX-T01');
    });

    it('rejects a replayed nonce', async () => {
      const pathWithQuery = `${THEMES_PATH}/MX-T05`;
      const headers = signatureHeaders({ ...CREDENTIALS, method: 'GET', pathWithQuery, nowMs: Date.now() });
      const first = await signedGet(simulator, pathWithQuery, headers);
      expect(first).to.nested.include({ status: 200, 'body.code': 0 });
      const replay = await signedGet(simulator, pathWithQuery, headers);
      expect(replay).to.nested.include({ status: 401, 'body.code': 40104 });
    });

    it('rejects missing headers and a signature made for another path', async () => {
      const missing = await axios.get<string>(`${simulator.url}${THEMES_PATH}`, { validateStatus: () => true, responseType: 'text' });
      expect(missing.status).to.equal(401);
      expect(JSON.parse(missing.data)).to.include({ code: 40100 });
      const headers = signatureHeaders({ ...CREDENTIALS, method: 'GET', pathWithQuery: `${THEMES_PATH}/MX-T01`, nowMs: Date.now() });
      expect(await signedGet(simulator, `${THEMES_PATH}/MX-T02`, headers)).to.nested.include({ status: 401, 'body.code': 40102 });
    });
  });

  describe('faults', () => {
    it('turns a 503 into a retryable unavailable error, then works again', async () => {
      simulator.faults.enqueue({ kind: 'status', status: 503 });
      await expectUpstreamError(adapter().listThemes(), { kind: 'unavailable', retryable: true, status: 503 });
      expect(await adapter().listThemes()).to.have.length(40);
    });

    it('turns a connection reset into a retryable connection error', async () => {
      simulator.faults.enqueue({ kind: 'reset' });
      await expectUpstreamError(adapter().getTheme('MX-T01'), { kind: 'connection', retryable: true });
    });

    it('times out on an upstream that never answers', async () => {
      simulator.faults.enqueue({ kind: 'timeout' });
      const started = Date.now();
      const error = await expectUpstreamError(adapter({ timeoutMs: 300 }).getMatter('000744622000'), { kind: 'timeout', retryable: true });
      expect(error.code).to.equal('UPSTREAM_TIMEOUT');
      expect(Date.now() - started).to.be.below(2500);
    });

    it('turns a truncated body into a non-retryable malformed error', async () => {
      simulator.faults.enqueue({ kind: 'malformed' });
      await expectUpstreamError(adapter().listMatters(), { kind: 'malformed', retryable: false, status: 200 });
      simulator.faults.enqueue({ kind: 'malformed', pathPrefix: `${THEMES_PATH}/` });
      await expectUpstreamError(adapter().getTheme('MX-T01'), { kind: 'malformed', retryable: false });
    });

    it('fails while the system is down and recovers when it comes back', async () => {
      simulator.faults.goDown();
      await expectUpstreamError(adapter().listThemes(), { kind: 'unavailable', retryable: true, status: 503 });
      simulator.faults.goDown('reset');
      await expectUpstreamError(adapter().listThemes(), { kind: 'connection', retryable: true });
      simulator.faults.comeBack();
      expect(await adapter().listThemes()).to.have.length(40);
    });

    it('fails while the server is stopped and works once it listens again', async () => {
      const transient = await startMatterSystemSimulator();
      const port = Number(new URL(transient.url).port);
      const catalog = createMatterSystemAdapter({ baseUrl: transient.url, ...CREDENTIALS, timeoutMs: 2000 });
      expect(await catalog.getTheme('MX-T01')).to.include({ code: 'MX-T01' });
      await transient.close();
      await expectUpstreamError(catalog.getTheme('MX-T01'), { kind: 'connection', retryable: true });
      const restarted = await startMatterSystemSimulator({ port });
      try {
        expect(await catalog.getTheme('MX-T01')).to.include({ code: 'MX-T01' });
      } finally {
        await restarted.close();
      }
    });
  });

  describe('settings', () => {
    it('refuses invalid settings at creation', () => {
      expect(() => createMatterSystemAdapter({ baseUrl: 'ftp://x', ...CREDENTIALS })).to.throw(RangeError, /http/);
      expect(() => createMatterSystemAdapter({ baseUrl: 'http://x.test', ...CREDENTIALS, pageSize: 101 })).to.throw(RangeError, /pageSize/);
      expect(() => createMatterSystemAdapter({ baseUrl: 'http://x.test', appKey: '', appSecret: 's' })).to.throw(RangeError, /appKey/);
    });

    it('keeps and signs a path prefix of the base URL', async () => {
      // The simulator serves at the root, so a prefixed base reaches it only through a path the signature covers: expect a 404 envelope, not a 401.
      const error = await expectUpstreamError(adapter({ baseUrl: `${simulator.url}/gateway` }).listThemes(), { kind: 'rejected', retryable: false, upstreamCode: '40401', status: 404 });
      expect(error.operation).to.equal('listThemes');
    });
  });
});
