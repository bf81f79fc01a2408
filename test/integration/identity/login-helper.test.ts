import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { DEFAULT_IDENTITY_CLIENTS } from '../../../adapters/identity-platform/index.js';
import { sharedDefaultPopulation } from '../../../adapters/identity-platform/simulator/registry.js';
import { loadDepartments } from '../../../src/delivery/department-registry.js';
import { makeIdNumber } from '../../../src/domain/identifiers/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { developmentClients } from '../../../src/trust/dev-material.js';
import { createSigningClient, jwks, type SigningClient } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { loginAt, registerPerson, sharedIdentityPlatform } from '../../helpers/identity.js';

describe('test identity helper (loginAt at the shared identity platform)', function () {
  this.timeout(60_000);
  let gateway: Gateway;
  let platform: SigningClient;
  const adult = sharedDefaultPopulation().persons.find((person) => person.idNumber !== undefined && person.idNumber !== '')!;

  before(async () => {
    ({ gateway } = await startTestGateway({}));
    platform = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: await devKey('platform'), tongbanKeys: () => jwks(gateway.url) });
  });
  after(() => gateway.close());

  it('gives a gateway the shared simulator as its issuer, and logs a person in with a fresh gateway nonce each time', async () => {
    const shared = await sharedIdentityPlatform();
    expect((await platform.request('GET', '/v1/identity')).body).to.include({ configured: true, issuer: shared.url });
    const first = decodeJwt(await loginAt(gateway.url, platform, { idNumber: adult.idNumber!, name: adult.name }));
    const second = decodeJwt(await loginAt(gateway.url, platform, { idNumber: adult.idNumber!, name: adult.name, method: 'sms' }));
    expect(first).to.include({ iss: shared.url, aud: 'platform', id_number: adult.idNumber, name: adult.name, acr: 'L3', subject_type: 'natural' });
    expect(second).to.include({ acr: 'L2', sub: first.sub });
    expect(first.nonce).to.be.a('string').with.length.of.at.least(22);
    expect(second.nonce).to.not.equal(first.nonce);
  });

  it('logs in a person registered at the simulator only, and fails with the platform\'s code for a wrong name', async () => {
    const idNumber = makeIdNumber({ areaCode: '441402', birthDate: '1987-05-04', sequence: 417 });
    await registerPerson(idNumber, '测试人');
    expect(decodeJwt(await loginAt(gateway.url, platform, { idNumber, name: '测试人' }))).to.include({ id_number: idNumber });
    const refused = await loginAt(gateway.url, platform, { idNumber, name: '别人' }).then(() => undefined, (error: unknown) => error as { code?: string });
    expect(refused?.code).to.equal('IDP-4011');
  });

  it('fails with the gateway\'s answer when the gateway trusts no identity platform', async () => {
    const { gateway: bare } = await startTestGateway({ TONGBAN_IDENTITY_ISSUER: '' });
    try {
      const client = createSigningClient({ baseUrl: bare.url, clientId: 'platform', key: await devKey('platform') });
      const refused = await loginAt(bare.url, client, { idNumber: adult.idNumber!, name: adult.name }).then(() => undefined, (error: unknown) => error as Error);
      expect(refused?.message).to.match(/answered 503.*IDENTITY_UNAVAILABLE/);
    } finally {
      await bare.close();
    }
  });

  it('every development client acting for applicants (platform, counter) is registered at the identity platform by default', () => {
    const actingForApplicants = developmentClients(loadDepartments()).filter((client) => client.role === 'platform' || (client.role as string) === 'counter');
    expect(actingForApplicants).to.not.be.empty;
    const registered = DEFAULT_IDENTITY_CLIENTS.map((client) => client.clientId);
    for (const client of actingForApplicants) expect(registered, client.id).to.include(client.id);
  });
});
