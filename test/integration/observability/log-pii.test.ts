/**
 * What a gateway writes to its log while serving requests that carry
 * personal data in their URLs (paths and queries, plain, percent-encoded,
 * spaced, full-width), in refused intake and licence reads sent with a
 * logged-in person's ID token, and in an error raised while handling one: no
 * ID number, mobile or name comes out (nor the ID token, which holds them),
 * while the lines still say what happened (method, status, the error's name).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PUBLIC, type Route } from '../../../src/api/routes/route.js';
import { makeIdNumber } from '../../../src/domain/identifiers/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { createSigningClient, jwks, type SigningClient } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { startTestGateway, type LogCapture } from '../../helpers/gateway.js';
import { loginAt, registerPerson } from '../../helpers/identity.js';
import { flattenForPiiSearch, fullWidth, percentAll } from '../../helpers/pii-encodings.js';

const ID_NUMBER = '440104199001011234';
const RESIDENCE_PERMIT = '830000199001011234';
const MOBILE = '13812345678';
const NAME = '欧阳小明';
/** The person logged in at the identity platform, whose ID token every request below carries. */
const PERSON = { idNumber: makeIdNumber({ areaCode: '440104', birthDate: '1988-06-15', sequence: 321 }), name: '司徒明月' };

describe('the gateway log holds no personal data', function () {
  this.timeout(60_000);
  let dir: string;
  let gateway: Gateway;
  let logs: LogCapture;
  let platform: SigningClient;

  const failingRoute: Route = {
    method: 'GET', path: '/test/upstream-failure', access: PUBLIC, summary: 'an upstream call that fails',
    handler: () => {
      throw new Error(`GET https://library.test/holders/${percentAll(ID_NUMBER)}?name=${encodeURIComponent(NAME)}&phone=138-1234-5678 answered 502`);
    },
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-log-pii-'));
    ({ gateway, logs } = await startTestGateway({ TONGBAN_SQLITE_PATH: join(dir, 'db.sqlite') }, { extraRoutes: [failingRoute] }));
    platform = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: await devKey('platform'), tongbanKeys: () => jwks(gateway.url) });
  });
  after(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after intake, licence reads, holder paths and a failure, no line holds an ID number, a mobile or a name', async () => {
    await registerPerson(PERSON.idNumber, PERSON.name);
    const idToken = await loginAt(gateway.url, platform, PERSON);
    const spacedId = `${ID_NUMBER.slice(0, 6)} ${ID_NUMBER.slice(6, 14)} ${ID_NUMBER.slice(14)}`;
    const intake = await platform.request('POST', '/v1/applications', {
      headers: { 'idempotency-key': 'log-pii-0001' }, idToken,
      body: { themeCode: 'MX-T05', form: { applicant: { name: NAME, idNumber: fullWidth(ID_NUMBER), phone: '138 1234 5678' } } },
    });
    expect(intake.status, JSON.stringify(intake.body)).to.be.within(400, 499);
    const reads = [
      `/v1/licences?holderCode=${ID_NUMBER}&licenceType=residentIdCard&themeCode=MX-T05&name=${encodeURIComponent(NAME)}&phone=${MOBILE}&useCause=${encodeURIComponent('预填')}`,
      `/v1/licences?holderCode=${encodeURIComponent(spacedId)}&licenceType=residentIdCard&themeCode=MX-T05&useCause=x`,
      `/v1/holders/${percentAll(RESIDENCE_PERMIT)}/licence-uses`,
      `/v1/holders/${encodeURIComponent(fullWidth(ID_NUMBER))}/licence-uses?holderName=${encodeURIComponent(NAME)}`,
    ];
    for (const path of reads) {
      const answer = await platform.request('GET', path, { idToken });
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).to.be.below(500);
    }
    const unsigned = await fetch(`${gateway.url}/v1/holders/${RESIDENCE_PERMIT}/licence-uses?phone=%2B86%20138%201234%205678`);
    expect(unsigned.status).to.equal(401);
    const failure = await fetch(`${gateway.url}/test/upstream-failure?holderCode=${ID_NUMBER}`);
    expect(failure.status).to.equal(500);

    const access = logs.lines.filter((line) => line['message'] === 'access');
    expect(access.map((line) => line['path'])).to.include.members([
      '/v1/applications',
      '/v1/holders/830000********1234/licence-uses',
      '/v1/holders/830000********1234/licence-uses?phone=+86 138 **** 5678',
      '/test/upstream-failure?holderCode=440104********1234',
    ]);
    const failed = logs.lines.find((line) => line['message'] === 'request failed');
    expect(failed, logs.text()).to.nested.include({ 'error.name': 'Error', method: 'GET' });
    expect(failed!['error']).to.have.nested.property('message').that.matches(/^GET https:\/\/library\.test\/holders\/440104\*{8}1234\?name=欧\*\*\*&phone=138-\*{4}-5678 answered 502$/);

    const flat = flattenForPiiSearch(logs.text());
    for (const value of [ID_NUMBER, RESIDENCE_PERMIT, MOBILE, NAME, PERSON.idNumber, PERSON.name, idToken]) expect(flat, value).not.to.contain(value);
  });
});
