/**
 * One set of materials, end to end on SQLite and PostgreSQL: files uploaded
 * once, a submission naming them by identity, and each department receiving
 * exactly its own matter's materials under its own codes and names — one
 * upload fanned out to every matter that asks for it — downloading every
 * file through its signed link and checking its hash before its receipt.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { DeliveryMaterial, SubApplicationDelivery } from '../../../src/domain/department-channel.js';
import {
  BIRTH_THEME, birthSubmission, EMPLOYMENT_REGISTRATION, HIRING_THEME, hiringSubmission, LABOUR_FILING, startDeliveryEnvironment, type DeliveryEnvironment,
} from '../../helpers/delivery-environment.js';
import { guideMaterials, sampleFile, upload } from '../../helpers/materials.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

interface Answer { applicationId: string; subApplications: { id: string; matterCode: string; departmentCode: string }[] }
interface CatalogueMatter { code: string; materials: { code: string; name: string; required: boolean }[] }

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

for (const fixture of storeFixtures()) describe(`materials: uploaded once, each department gets its own (${fixture.name})`, function () {
  this.timeout(90_000);
  let env: DeliveryEnvironment;

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture);
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** The catalogue's own materials of a theme's matters (code and name as each matter lists them). */
  async function catalogueMatters(themeCode: string): Promise<Map<string, CatalogueMatter>> {
    const answer = await env.platform.request('GET', `/v1/themes/${themeCode}`);
    expect(answer.status).to.equal(200);
    return new Map((answer.body as { matters: CatalogueMatter[] }).matters.map((matter) => [matter.code, matter]));
  }

  /** What the three department simulators received for these sub-applications (first arrival of each). */
  function received(subApplicationIds: readonly string[]): Map<string, SubApplicationDelivery> {
    const wanted = new Set(subApplicationIds);
    const all = [...env.gaj.received(), ...env.mzrsj.received(), ...env.ybj.received()].filter((entry) => !entry.duplicate && wanted.has(entry.delivery.subApplicationId));
    return new Map(all.map((entry) => [entry.delivery.subApplicationId, entry.delivery]));
  }

  const downloads = () => [...env.gaj.materialDownloads(), ...env.mzrsj.materialDownloads(), ...env.ybj.materialDownloads()];

  it('MX-T04: 劳动合同 uploaded once reaches 就业登记 and 劳动用工备案 under their own codes; 职工花名册 deferred (容缺) is delivered as outstanding; every file is downloaded and verified', async () => {
    const guide = await guideMaterials(env.platform, HIRING_THEME);
    const contract = guide.find((material) => material.name === '劳动合同')!;
    expect(contract.ways).to.include('upload');
    const roster = guide.find((material) => material.ways.includes('deferred'))!;
    expect(roster, 'a material of MX-T04 allows 容缺').to.not.equal(undefined);

    const files = new Map<string, Buffer>();
    const materials: Record<string, unknown> = {};
    for (const material of guide) {
      if (material.code === roster.code) {
        materials[material.code] = { deferred: true };
        continue;
      }
      if (!material.required || !material.ways.includes('upload')) continue;
      const mediaType = material.mediaTypes.includes('application/pdf') ? 'application/pdf' : material.mediaTypes[0]!;
      const bytes = sampleFile(mediaType, `MX-T04 ${material.code}`);
      const uploaded = await upload(env.platform, bytes, mediaType);
      expect(uploaded.sha256).to.equal(sha256(bytes));
      files.set(material.code, bytes);
      materials[material.code] = { upload: uploaded.id };
    }

    const submitted = await env.submit({ ...hiringSubmission(), materials });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
    const answer = submitted.body as Answer;
    const ids = answer.subApplications.map((sub) => sub.id);
    const deliveries = await waitFor(() => {
      const got = received(ids);
      return got.size === ids.length ? got : undefined;
    }, { what: 'every MX-T04 sub-application at its department', timeoutMs: 30_000 });

    const catalogue = await catalogueMatters(HIRING_THEME);
    for (const sub of answer.subApplications) {
      const delivery = deliveries.get(sub.id)!;
      const own = catalogue.get(sub.matterCode)!.materials;
      // Exactly its own matter's materials, each under the matter's own code and name.
      expect(delivery.materials.map((material) => material.code), sub.matterCode).to.deep.equal(own.filter((material) => material.required).map((material) => material.code));
      for (const material of delivery.materials) {
        expect(material.name, material.code).to.equal(own.find((entry) => entry.code === material.code)!.name);
        expect(material.identity).to.match(/^CL\d{3}$/);
      }
    }
    // One upload, fanned out: the same file under each matter's own code.
    const contractIn = (matterCode: string) => deliveries.get(answer.subApplications.find((sub) => sub.matterCode === matterCode)!.id)!.materials.find((material) => material.identity === contract.code)!;
    const inRegistration = contractIn(EMPLOYMENT_REGISTRATION);
    const inFiling = contractIn(LABOUR_FILING);
    expect(inRegistration.code).to.not.equal(inFiling.code);
    expect(inRegistration.file!.sha256).to.equal(sha256(files.get(contract.code)!)).and.to.equal(inFiling.file!.sha256);
    expect(inRegistration.satisfiedBy).to.equal('upload');
    // 容缺: delivered as outstanding, no file; the period is the catalogue's.
    const deferred = [...deliveries.values()].flatMap((delivery) => delivery.materials).filter((material) => material.identity === roster.code);
    expect(deferred.length).to.be.greaterThan(0);
    for (const material of deferred) {
      expect(material).to.include({ satisfiedBy: 'deferred' });
      expect(material.file).to.equal(undefined);
      expect(material.outstanding).to.deep.equal({ dueDate: null, days: roster.deferral!.days });
    }
    // Every file of every delivery was downloaded by its department and hashed to what the delivery states.
    const fileMaterials = [...deliveries.values()].flatMap((delivery) => delivery.materials.filter((material): material is DeliveryMaterial & { file: NonNullable<DeliveryMaterial['file']> } => !!material.file)
      .map((material) => ({ deliveryId: delivery.deliveryId, sha256: material.file.sha256 })));
    expect(fileMaterials.length).to.be.greaterThan(0);
    for (const file of fileMaterials) {
      expect(downloads().some((download) => download.deliveryId === file.deliveryId && download.sha256 === file.sha256 && download.verified), `${file.deliveryId} ${file.sha256}`).to.equal(true);
    }
  });

  it('MX-T05: the photo is a JPEG; a generated 申请表 is rendered once per sub-application and verified like any file; each department\'s link opens only its own files', async () => {
    const submitted = await env.submit(birthSubmission(birthSubmission().form as never, { enrolInsurance: true, applySocialSecurityCard: true }));
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
    const answer = submitted.body as Answer;
    await env.gaj.flushEvents();
    const ids = answer.subApplications.map((sub) => sub.id);
    const deliveries = await waitFor(async () => {
      await env.gaj.flushEvents();
      const got = received(ids);
      return got.size === ids.length ? got : undefined;
    }, { what: 'every MX-T05 sub-application at its department', timeoutMs: 30_000 });
    const photo = [...deliveries.values()].flatMap((delivery) => delivery.materials).find((material) => material.identity === 'CL008');
    expect(photo?.file?.mediaType).to.equal('image/jpeg');
    // Every department — the inbox one through its front-end processor too — downloaded and verified each of its files.
    for (const delivery of deliveries.values()) {
      for (const material of delivery.materials.filter((entry) => entry.file)) {
        expect(downloads().some((download) => download.deliveryId === delivery.deliveryId && download.sha256 === material.file!.sha256 && download.verified), `${delivery.departmentCode} ${material.code}`).to.equal(true);
      }
    }
    expect(deliveries.get(answer.subApplications.find((sub) => sub.departmentCode === 'ybj')!.id)!.materials.some((material) => material.file)).to.equal(true);

    // Links: a department opens its own file; another department, a tampered or a missing token does not.
    const gajDelivery = [...deliveries.values()].find((delivery) => delivery.departmentCode === 'gaj')!;
    const gajFile = gajDelivery.materials.find((material) => material.file)!.file!;
    const gaj = await env.department('gaj');
    const mine = await gaj.request('GET', gajFile.download!.path);
    expect(mine.status).to.equal(200);
    expect(sha256(mine.raw)).to.equal(gajFile.sha256);
    expect(mine.headers['content-type']).to.equal(gajFile.mediaType);
    const ybj = await env.department('ybj');
    const foreign = await ybj.request('GET', gajFile.download!.path.replace('/departments/gaj/', '/departments/ybj/'));
    expect(foreign.status).to.equal(403);
    expect((foreign.body as { code: string }).code).to.equal('DOWNLOAD_LINK_INVALID');
    const other = await ybj.request('GET', gajFile.download!.path);
    expect(other.status, 'a department may not use another department\'s path').to.equal(403);
    const bare = await gaj.request('GET', gajFile.download!.path.split('?')[0]!);
    expect(bare.status).to.equal(400);
    const tampered = await gaj.request('GET', `${gajFile.download!.path.slice(0, -4)}AAAA`);
    expect(tampered.status).to.equal(403);
  });
});
