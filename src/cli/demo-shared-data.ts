/**
 * The demo's shared-data story (docs/shared-data.md): an applicant for
 * 公租房 (MX-T30) prefilled from licences alone, then with the household
 * registration and the marriage registry of the data-sharing exchange — the
 * ratio rises, each field says where it came from — and a verification
 * (在线核验) of the applicant's social-insurance enrolment in 梅州, answered
 * yes or no without the data.
 */
import type { PopulationIndex } from '../../adapters/common/population/index.js';
import { SHARED_RESOURCES, type SharedResourceKey } from '../domain/shared-data.js';
import type { SigningClient } from '../trust/signing-client.js';
import type { DemoIo } from './demo-evaluation.js';
import { logIn } from './demo-identity.js';

const THEME = 'MX-T30';
const LICENCES = ['residentIdCard', 'householdRegister'];
const SHARED: SharedResourceKey[] = ['householdRegistration', 'marriageRegistration', 'socialInsuranceEnrolment'];
const USE_CAUSE = '我要申请公租房：预填申请表';

type Provenance = { source: string; licenceName?: string; resourceName?: string; resourceCode?: string; sourceDepartment?: string; dataTime?: string };
interface Prefill { autoFill: { filled: number; total: number; ratio: number }; provenance: Record<string, Provenance>; form: Record<string, Record<string, unknown>> }

export async function sharedDataStory(io: DemoIo, context: { platform: SigningClient; identityPlatform: string; index: PopulationIndex }): Promise<void> {
  const { platform, index } = context;
  const applicant = index.findPerson('a married applicant enrolled in social insurance in 梅州', (person) => person.marriage !== undefined
    && person.socialSecurity?.status === '参保缴费' && person.address.includes('梅州市') && index.holdsSole(person.idNumber, ['residentIdCard', 'householdRegister']));
  io.step(`我要申请公租房 (${THEME}) for ${applicant.name[0]}**: licences, then shared data from the big-data centre (数据共享交换平台)`);
  const session = await logIn(io.say, platform, context.identityPlatform, { idNumber: applicant.idNumber!, name: applicant.name, method: 'face' }, 'the applicant');
  const authorise = async (licenceTypes: string[]) => io.check(await platform.request('POST', '/v1/authorizations', {
    idToken: session.idToken,
    body: { holder: { code: applicant.idNumber, type: 'citizen' }, licenceTypes, purpose: { themeCode: THEME, description: '申请公租房' }, expiresAt: new Date(Date.now() + 3600_000).toISOString(), consent: { method: 'face-recognition', at: new Date().toISOString() } },
  }), 201, 'authorisation') as { id: string };
  const prefill = async (authorizationId: string) => io.check(await platform.request('POST', '/v1/prefill', {
    idToken: session.idToken, body: { themeCode: THEME, answers: {}, useCause: USE_CAUSE, holders: { applicant: { code: applicant.idNumber, type: 'citizen', authorizationId } } },
  }), 200, 'prefill') as Prefill;

  const licencesOnly = await prefill((await authorise(LICENCES)).id);
  io.say(`authorised licences only: auto-filled ${licencesOnly.autoFill.filled} of ${licencesOnly.autoFill.total} (${Math.round(licencesOnly.autoFill.ratio * 100)} %); the exchange was asked nothing`);
  const authorization = await authorise([...LICENCES, ...SHARED]);
  io.say(`authorised licences and ${SHARED.map((key) => SHARED_RESOURCES[key].name).join('、')}: authorisation ${authorization.id}`);
  const withShared = await prefill(authorization.id);
  io.say(`auto-filled ${withShared.autoFill.filled} of ${withShared.autoFill.total} (${Math.round(withShared.autoFill.ratio * 100)} %)`);
  for (const [field, provenance] of Object.entries(withShared.provenance).filter(([, entry]) => entry.source === 'shared-data')) {
    io.say(`  ${field} = ${JSON.stringify(withShared.form[field.split('.')[0]!]?.[field.split('.')[1]!])} ← shared data ${provenance.resourceName} (${provenance.resourceCode}, ${provenance.sourceDepartment}, as of ${provenance.dataTime})`);
  }

  io.step('在线核验: is the applicant enrolled in social insurance in 梅州? (yes or no, never the data)');
  const verdict = io.check(await platform.request('POST', '/v1/shared-data/verify', {
    idToken: session.idToken,
    body: { holder: { code: applicant.idNumber, type: 'citizen' }, authorizationId: authorization.id, themeCode: THEME, useCause: '公租房资格审核：核验参保', resource: 'socialInsuranceEnrolment', claims: { CBZT: '参保缴费', CBDQ: '梅州市' } },
  }), 200, 'verification');
  io.say(`${verdict['holds'] ? 'yes' : 'no'}, says ${verdict['sourceDepartment']} (核验流水号 ${verdict['verificationId']}); ledger entry #${verdict['ledgerSeq']}`);
}
