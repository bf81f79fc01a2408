/**
 * Results issued as licences for an enterprise, end to end on SQLite and
 * PostgreSQL: 我要开办食品经营 (MX-T15) for a person who runs no business.
 * 市场监督管理局 completes 个体工商户设立 with its simulator's results — the
 * 统一社会信用代码 it assigns (GB 32100) and the 营业执照 — and the gateway
 * issues the 营业执照 into the licence library simulator (real HTTP, real
 * signatures) with the identifier the library assigns; 食品经营许可证核发,
 * released with that credit code, is completed with the 许可证编号 and the
 * permit, issued in turn to the same enterprise. Then the 经营者, logged in
 * for the new 个体工商户 (电子营业执照), authorises, and a later theme
 * (新办纳税人, MX-T13) is prefilled from the issued 营业执照 through the
 * normal access path, with provenance naming the application.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ISSUERS, type Person } from '../../../adapters/common/population/index.js';
import { licenceResultOutcomes } from '../../../adapters/common/department/simulator/licence-results.js';
import { sharedIssuerPki } from '../../../adapters/licence-library/index.js';
import { CatalogStore } from '../../../src/catalog/index.js';
import { validateCreditCode, validateLicenceIdentifier } from '../../../src/domain/identifiers/index.js';
import { startDeliveryEnvironment, type ApplicationView, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { registerEnterprise } from '../../helpers/identity.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';
import { authoriseAndPrefill, expectFilledFromResult } from './later-prefill.js';

const MARKET = ISSUERS.meixianMarket;
const SHOP_THEME = 'MX-T15';
const REGISTRATION = '002051083000'; // 个体工商户设立
const FOOD_LICENCE = '000174471000'; // 食品经营许可证核发
/** A later theme for the new 个体工商户: 新办纳税人 (its 个体工商户信息确认 reads the enterprise's 营业执照). */
const LATER_THEME = 'MX-T13';

interface IssuedLicenceView { subApplicationId: string; licenceType: string; identifier: string | null; status: string; failure: { code: string; message: string } | null }
type View = ApplicationView & { issuedLicences: IssuedLicenceView[] };

for (const fixture of storeFixtures()) describe(`results issued as licences: 开办食品经营 → 营业执照, 食品经营许可证 → a later prefill of the enterprise (${fixture.name})`, function () {
  this.timeout(120_000);
  let env: DeliveryEnvironment;
  let operator: Person;
  let applicationId: string;
  let creditCode: string;
  let businessLicence: string;
  const shop = { tradeName: '东升', name: '梅县区东升副食店', businessScope: '食品销售；日用百货销售', phone: '13800138000' };
  const premises = '广东省梅州市梅县区新城街道华侨路8号首层';

  const issuedOf = (view: ApplicationView, licenceType: string) => (view as View).issuedLicences?.find((licence) => licence.licenceType === licenceType);
  const waitForIssued = (licenceType: string) => env.waitForApplication(applicationId, (view) => issuedOf(view, licenceType)?.status === 'issued', `the ${licenceType} issued`, 30_000) as Promise<View>;
  const subOf = (view: ApplicationView, matterCode: string) => view.subApplications.find((sub) => sub.matterCode === matterCode)!;

  before(async function () {
    this.timeout(120_000);
    // The issuing department's signing credentials, as ops would install them.
    const keys = mkdtempSync(join(tmpdir(), 'tongban-issuers-'));
    sharedIssuerPki().warm([MARKET]);
    const credentials = sharedIssuerPki().credentials(MARKET);
    writeFileSync(join(keys, `${MARKET.creditCode}.key.pem`), credentials.privateKeyPem);
    writeFileSync(join(keys, `${MARKET.creditCode}.cert.pem`), credentials.certificatePem);
    env = await startDeliveryEnvironment(fixture, { licenceLibrary: true, env: { TONGBAN_LICENCE_ISSUER_KEYS_DIR: keys } });
    const population = env.library!.population;
    // The 经营者: an adult of the population who is no enterprise's legal representative yet.
    const representatives = new Set(population.enterprises.map((enterprise) => enterprise.legalRepresentativeKey));
    operator = population.persons.find((person) => person.idNumber !== null && person.birthDate < '1990-01-01' && !representatives.has(person.key))!;
    // 市场监督管理局 completes both matters as the sandbox's does (licence-results.ts).
    const market = licenceResultOutcomes(population);
    env.outcomes.scjgj = (delivery) => market(delivery) ?? 'complete';
    const catalog = new CatalogStore(env.gateway.store);
    await waitFor(async () => (await catalog.getTheme(SHOP_THEME)) && (await catalog.getTheme(LATER_THEME)), { what: 'the themes in the catalogue', timeoutMs: 20_000 });
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('个体工商户设立 completed: the 营业执照 is issued to the new 个体工商户 (the credit code 市场监管 assigned) with the identifier the library assigns, its surface as declared', async () => {
    const form = {
      legalRepresentative: { name: operator.name, idNumber: operator.idNumber },
      enterprise: { ...shop, foodBusinessFormat: '食品销售经营者', foodBusinessItems: '预包装食品（含冷藏冷冻食品）销售；散装食品（不含冷藏冷冻食品）销售' },
      property: { location: premises },
      foodSafetyManager: { name: operator.name },
    };
    const answer = await env.submit({ themeCode: SHOP_THEME, answers: {}, form });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    applicationId = (answer.body as { applicationId: string }).applicationId;
    await env.waitForApplication(applicationId, (view) => subOf(view, REGISTRATION).status === 'delivered', '个体工商户设立 delivered');
    await env.scjgj.flushEvents();
    const issued = await waitForIssued('businessLicence');
    const registration = subOf(issued, REGISTRATION);
    creditCode = registration.results!.find((result) => result.name === '统一社会信用代码')!.value!;
    expect(validateCreditCode(creditCode).ok, creditCode).to.equal(true);
    expect(creditCode).to.match(/^92441403MA/);
    const licence = issuedOf(issued, 'businessLicence')!;
    expect(licence).to.deep.include({ subApplicationId: registration.id, status: 'issued', failure: null });
    businessLicence = licence.identifier!;
    expect(validateLicenceIdentifier(businessLicence).ok).to.equal(true);

    const record = env.library!.licence(businessLicence)!;
    expect(record.holder).to.deep.equal({ code: creditCode, type: '001', name: shop.name });
    expect(record).to.deep.include({ type: 'businessLicence', issuer: 'meixianMarket', number: creditCode, validUntil: null });
    expect(record.surface).to.deep.equal({
      TYSHXYDM: creditCode, MC: shop.name, LX: '个体工商户', FDDBR: operator.name, CLRQ: record.issuedOn, YYQX: '长期',
      ZS: premises, JYFW: shop.businessScope, DJJG: MARKET.name, FZRQ: record.issuedOn,
    });
  });

  it('食品经营许可证核发, released with that credit code, completed: the 食品经营许可证 is issued to the same enterprise, five years', async () => {
    await env.waitForApplication(applicationId, (view) => subOf(view, FOOD_LICENCE).status === 'delivered', '食品经营许可证核发 delivered');
    await env.scjgj.flushEvents();
    const issued = await waitForIssued('foodBusinessLicence');
    const permit = subOf(issued, FOOD_LICENCE);
    const licence = issuedOf(issued, 'foodBusinessLicence')!;
    expect(licence).to.deep.include({ subApplicationId: permit.id, status: 'issued', failure: null });
    expect(validateLicenceIdentifier(licence.identifier).ok).to.equal(true);
    const number = permit.results!.find((result) => result.name === '许可证编号')!.value!;
    expect(number).to.match(/^JY1441403\d{7}$/); // JY, 食品销售经营者, 梅县区, serial and check digit

    const record = env.library!.licence(licence.identifier!)!;
    expect(record.holder).to.deep.equal({ code: creditCode, type: '001', name: shop.name });
    expect(record).to.deep.include({ type: 'foodBusinessLicence', issuer: 'meixianMarket', number });
    const end = new Date(`${record.issuedOn}T00:00:00Z`);
    end.setUTCFullYear(end.getUTCFullYear() + 5);
    end.setUTCDate(end.getUTCDate() - 1);
    expect(record.validUntil).to.equal(end.toISOString().slice(0, 10));
    expect(record.surface).to.deep.equal({
      XKZBH: number, JYZMC: shop.name, SHXYDM: creditCode, FDDBR: operator.name, ZS: premises, JYCS: premises, ZTYT: '食品销售经营者',
      JYXM: '预包装食品（含冷藏冷冻食品）销售；散装食品（不含冷藏冷冻食品）销售', RCJDGLJG: '梅州市梅县区市场监督管理局程江市场监督管理所',
      FZJG: MARKET.name, QFRQ: record.issuedOn, YXQZ: record.validUntil,
    });
    const { rows } = await env.gateway.store.query<{ payload: string }>("SELECT payload FROM webhook_messages WHERE application_id = $1 AND type = 'licence.issued'", [applicationId]);
    expect(rows.map((row) => (JSON.parse(row.payload) as { data: unknown }).data)).to.have.deep.members([
      { licenceType: 'businessLicence', identifier: businessLicence, status: 'issued' },
      { licenceType: 'foodBusinessLicence', identifier: licence.identifier, status: 'issued' },
    ]);
  });

  it('a later theme for the new 个体工商户 (新办纳税人): its 经营者, logged in for it, prefills from the issued 营业执照, provenance naming the application; the read is in the ledger', async () => {
    await registerEnterprise(creditCode, shop.name, operator.idNumber!);
    const idToken = await env.sessions.idToken(env.platform, { idNumber: operator.idNumber!, name: operator.name, creditCode, method: 'ebl' });
    const body = await authoriseAndPrefill(env, {
      idToken, holder: { code: creditCode, type: 'organization' }, subject: 'enterprise', licenceTypes: ['businessLicence'], themeCode: LATER_THEME,
      answers: { businessForm: 'individualBusiness' }, purpose: '新办纳税人套餐式服务', useCause: '新办纳税人信息确认', consent: 'signature',
    });
    expect(body.form['enterprise']).to.include({ creditCode, name: shop.name, address: premises, businessScope: shop.businessScope });
    expect(body.form['legalRepresentative']).to.include({ name: operator.name });
    await expectFilledFromResult(env, body, {
      fields: ['enterprise.creditCode', 'enterprise.name', 'enterprise.address', 'enterprise.businessScope', 'legalRepresentative.name'],
      identifier: businessLicence, applicationId, holderCode: creditCode, themeCode: LATER_THEME,
    });
  });
});
