import { expect } from 'chai';
import { DEFAULT_MATTER_SYSTEM_CREDENTIALS, startMatterSystemSimulator, type MatterSystemSimulator } from '../../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import type { SyncRun } from '../../../src/catalog/index.js';
import type { Gateway } from '../../../src/gateway.js';
import type { Matter, Theme } from '../../../src/domain/matter-catalog.js';
import { createSigningClient, jwks, type SigningClient } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

type ThemeView = Theme & { matters: { code: string; name: string; department: { code: string; name: string } }[] };

for (const fixture of storeFixtures()) describe(`catalogue sync from the matter system simulator (${fixture.name})`, function () {
  this.timeout(60_000);
  let simulator: MatterSystemSimulator;
  let gateway: Gateway;
  let ops: SigningClient;
  let platform: SigningClient;

  before(async () => {
    simulator = await startMatterSystemSimulator();
    await (await fixture.open()).close();
    ({ gateway } = await startTestGateway({
      ...fixture.gatewayEnv(),
      TONGBAN_MATTER_SYSTEM_URL: simulator.url,
      TONGBAN_MATTER_SYSTEM_APP_KEY: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appKey,
      TONGBAN_MATTER_SYSTEM_APP_SECRET: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appSecret,
      TONGBAN_MATTER_SYSTEM_TIMEOUT_MS: '2000',
      TONGBAN_CATALOG_SYNC_INTERVAL_MS: '0',
    }));
    ops = createSigningClient({ baseUrl: gateway.url, clientId: 'ops', key: await devKey('ops'), tongbanKeys: () => jwks(gateway.url) });
    platform = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: await devKey('platform'), tongbanKeys: () => jwks(gateway.url) });
  });

  after(async function () {
    await gateway?.close();
    await simulator?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function runs(): Promise<SyncRun[]> {
    return ((await ops.request('GET', '/v1/ops/sync-runs')).body as { runs: SyncRun[] }).runs;
  }

  async function themes(): Promise<ThemeView[]> {
    const answer = await platform.request('GET', '/v1/themes');
    expect(answer.status).to.equal(200);
    return (answer.body as { themes: ThemeView[] }).themes;
  }

  async function syncNow(kind: 'full' | 'incremental'): Promise<SyncRun> {
    const answer = await ops.request('POST', '/v1/ops/sync-runs', { body: { kind } });
    expect(answer.status).to.equal(201);
    return answer.body as SyncRun;
  }

  it('runs a full sync at first start, recorded as a sync run', async () => {
    const first = await waitFor(async () => (await runs()).find((run) => run.status !== 'running'), { what: 'the startup sync' });
    expect(first).to.include({ kind: 'full', trigger: 'startup', status: 'succeeded', themesReceived: 40 });
    expect(first.mattersReceived).to.equal(simulator.matters().length);
  });

  it('GET /v1/themes lists all 40 seed themes with their matters and departments as the seed table has them', async () => {
    const listed = await themes();
    expect(listed).to.have.length(40);
    const expected = simulator.themes();
    expect(listed.map((theme) => theme.name)).to.have.members(expected.map((theme) => theme.name));
    const birth = listed.find((theme) => theme.name === '婴儿“出生一件事”')!;
    expect(birth.matters.map((matter) => [matter.name, matter.department.name])).to.deep.equal([
      ['国（境）内出生登记', '公安局'], ['社会保障卡申领', '民政和人社局'], ['城乡居民参保登记', '医疗保障局'],
    ]);
    expect(birth.matters.map((matter) => matter.department.code)).to.deep.equal(['gaj', 'mzrsj', 'ybj']);
    const transfer = listed.find((theme) => theme.name === '不动产转移登记一件事')!;
    expect(transfer.matters.map((matter) => matter.department.name)).to.deep.equal(['自然资源局', '税务局', '税务局', '住房和城乡建设局']);
    for (const theme of listed) {
      const source = expected.find((candidate) => candidate.code === theme.code)!;
      expect(theme.matters.map((matter) => matter.code), theme.name).to.deep.equal(source.matterCodes);
    }
  });

  it('GET /v1/themes/{code} gives the full matters: codes, time limits, materials, form fields', async () => {
    const code = (await themes()).find((theme) => theme.name === '婴儿“出生一件事”')!.code;
    const answer = await platform.request('GET', `/v1/themes/${code}`);
    const theme = answer.body as Theme & { matters: Matter[] };
    expect(theme.matters).to.have.length(3);
    for (const matter of theme.matters) {
      expect(matter.implementationCode).to.have.length(31);
      expect(matter.promisedDays).to.be.at.most(matter.statutoryDays);
      expect(matter.materials.length).to.be.greaterThan(0);
      expect(matter.formFields.length).to.be.greaterThan(0);
    }
    const unknown = await platform.request('GET', '/v1/themes/NOPE-1');
    expect(unknown.status).to.equal(404);
    expect(unknown.body).to.include({ code: 'NOT_FOUND' });
  });

  it('an incremental sync picks up only what changed', async () => {
    const matter = simulator.matters()[0]!;
    simulator.updateMatter(matter.code, { promisedDays: 1 });
    const run = await syncNow('incremental');
    expect(run).to.include({ kind: 'incremental', status: 'succeeded', mattersChanged: 1, themesChanged: 0 });
    const theme = (await themes()).find((candidate) => candidate.matterCodes.includes(matter.code))!;
    const detail = (await platform.request('GET', `/v1/themes/${theme.code}`)).body as { matters: Matter[] };
    expect(detail.matters.find((candidate) => candidate.code === matter.code)!.promisedDays).to.equal(1);
  });

  it('a sync that fails half-way leaves the previous catalogue intact and is listed as failed', async () => {
    const theme = simulator.themes()[3]!;
    const before = (await themes()).find((candidate) => candidate.code === theme.code)!;
    simulator.touchTheme(theme.code);
    simulator.faults.enqueue({ kind: 'status', status: 503, pathPrefix: '/sxgl/v1/matters' });
    const run = await syncNow('incremental');
    expect(run).to.include({ status: 'failed', errorCode: 'UPSTREAM_UNAVAILABLE' });
    const after = (await themes()).find((candidate) => candidate.code === theme.code)!;
    expect(after.version, 'the theme fetched before the failure was not stored').to.equal(before.version);
    const failed = ((await ops.request('GET', '/v1/ops/sync-runs?status=failed')).body as { runs: SyncRun[] }).runs;
    expect(failed.map((candidate) => candidate.id)).to.include(run.id);
    const retried = await syncNow('incremental');
    expect(retried.status).to.equal('succeeded');
    expect((await themes()).find((candidate) => candidate.code === theme.code)!.version).to.be.greaterThan(before.version);
  });

  it('serves the catalogue while the matter system is down', async () => {
    simulator.faults.goDown('reset');
    try {
      const run = await syncNow('incremental');
      expect(run.status).to.equal('failed');
      expect(run.errorCode).to.equal('UPSTREAM_CONNECTION');
      expect(await themes()).to.have.length(40);
    } finally {
      simulator.faults.comeBack();
    }
  });

  it('a full sync marks a theme the matter system withdrew', async () => {
    const theme = simulator.themes()[10]!;
    simulator.removeTheme(theme.code);
    const run = await syncNow('full');
    expect(run.status).to.equal('succeeded');
    expect((await themes()).find((candidate) => candidate.code === theme.code)!.status).to.equal('withdrawn');
  });

  it('refuses bad query parameters and non-ops clients', async () => {
    const bad = await ops.request('GET', '/v1/ops/sync-runs?status=maybe');
    expect(bad.status).to.equal(400);
    expect(bad.body).to.nested.include({ code: 'VALIDATION_FAILED', 'errors[0].pointer': '/status' });
    const forbidden = await platform.request('GET', '/v1/ops/sync-runs');
    expect(forbidden.status).to.equal(403);
    const badKind = await ops.request('POST', '/v1/ops/sync-runs', { body: { kind: 'everything' } });
    expect(badKind.body).to.nested.include({ code: 'VALIDATION_FAILED', 'errors[0].pointer': '/kind' });
  });
});
