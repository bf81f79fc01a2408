import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mapMatter } from '../../../adapters/matter-system/map-matter.js';
import { mapTheme } from '../../../adapters/matter-system/map-theme.js';
import {
  RESULT_CODES, validateEnvelope, validateMatter, validateMatterPage, validateTheme, validateThemePage, type WireMatter, type WireTheme,
} from '../../../adapters/matter-system/matter-system-api.js';
import { WireValueError, envelopeError, malformedError } from '../../../adapters/matter-system/matter-system-error.js';
import { computeSignature, signatureHeaders, signingString } from '../../../adapters/matter-system/matter-system-signature.js';

interface Fixture {
  request: { method: string; pathWithQuery: string };
  status: number;
  body: { code: number; msg: string; data?: unknown };
}
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../adapters/matter-system/fixtures/${name}.json`, import.meta.url), 'utf8')) as Fixture;
const clone = <T>(value: T): T => structuredClone(value);

describe('matter system wire protocol', () => {
  describe('request signature', () => {
    it('signs timestamp + nonce + METHOD + path-with-query + body with HMAC-SHA256 (known answer)', () => {
      const input = { timestamp: '1772413200', nonce: 'abc123', method: 'get', pathWithQuery: '/sxgl/v1/themes?pageNo=1&pageSize=100', body: '' };
      expect(signingString(input)).to.equal('1772413200abc123GET/sxgl/v1/themes?pageNo=1&pageSize=100');
      const expected = createHmac('sha256', 'secret').update('1772413200abc123GET/sxgl/v1/themes?pageNo=1&pageSize=100').digest('hex');
      expect(expected).to.equal('589177e09dbe60035edbebca9691b34414aa7aa70736b503d00e6f24b1a2d86d');
      expect(computeSignature('secret', input)).to.equal(expected);
      expect(computeSignature('secret', { ...input, body: '{}' })).not.to.equal(expected);
    });

    it('builds the four x-tif headers with Unix seconds and a fresh nonce', () => {
      const first = signatureHeaders({ appKey: 'k', appSecret: 's', method: 'GET', pathWithQuery: '/p', nowMs: 1_772_413_200_999 });
      const second = signatureHeaders({ appKey: 'k', appSecret: 's', method: 'GET', pathWithQuery: '/p', nowMs: 1_772_413_200_999 });
      expect(first).to.have.keys('x-tif-paasid', 'x-tif-timestamp', 'x-tif-nonce', 'x-tif-signature');
      expect(first).to.include({ 'x-tif-paasid': 'k', 'x-tif-timestamp': '1772413200' });
      expect(first['x-tif-nonce']).to.match(/^[0-9a-f]{32}$/).and.not.equal(second['x-tif-nonce']);
    });
  });

  describe('recorded fixtures', () => {
    it('validate against the wire schemas and map to domain values', () => {
      const themes = fixture('themes-page-1').body;
      expect(validateEnvelope(themes)).to.equal(true);
      expect(validateThemePage(themes.data), JSON.stringify(validateThemePage.errors)).to.equal(true);
      const matters = fixture('matters-page-1').body;
      expect(validateMatterPage(matters.data), JSON.stringify(validateMatterPage.errors)).to.equal(true);

      const theme = mapTheme(fixture('theme-detail').body.data as WireTheme);
      expect(theme).to.deep.include({ code: 'MX-T05', name: '婴儿“出生一件事”', subjectType: 'personal', serviceHall: '', status: 'active', version: 1, updatedAt: '2026-03-02T01:00:00.000Z' });
      expect(theme.matterCodes).to.have.length(3);

      const matterBody = fixture('matter-detail').body.data as WireMatter;
      expect(validateMatter(matterBody)).to.equal(true);
      const matter = mapMatter(matterBody);
      expect(matter).to.deep.include({ code: theme.matterCodes[0], name: '国（境）内出生登记', department: { code: 'gaj', name: '公安局' }, type: '07', level: 4 });
      expect(matter.materials[0]).to.deep.equal({
        code: `${matter.code}-01`, name: '出生医学证明', form: 'original', required: true, licenceType: '出生医学证明',
        deferral: { allowed: false, days: 0 }, commitment: { allowed: false, text: '' },
      });
      // 单位缴存登记: its 职工花名册 may follow within 5 working days (容缺).
      const page = (matters.data as { records: WireMatter[] }).records.map(mapMatter);
      const roster = page.flatMap((entry) => entry.materials).find((material) => material.name === '职工花名册');
      expect(roster?.deferral).to.deep.equal({ allowed: true, days: 5 });
      expect(matter.formFields.find((field) => field.code === 'xsexb')).to.deep.equal({
        code: 'xsexb', label: '新生儿性别', type: 'enum', required: true, options: [{ value: '1', label: '男' }, { value: '2', label: '女' }],
      });
    });

    it('record every error code with its HTTP status', () => {
      const cases: [string, keyof typeof RESULT_CODES][] = [
        ['error-bad-signature', 'BAD_SIGNATURE'], ['error-timestamp-skew', 'TIMESTAMP_SKEW'], ['error-not-found', 'NOT_FOUND'], ['error-bad-parameter', 'BAD_PARAMETER'],
      ];
      for (const [name, result] of cases) {
        const recorded = fixture(name);
        expect(recorded.status, name).to.equal(RESULT_CODES[result].status);
        expect(recorded.body.code, name).to.equal(RESULT_CODES[result].code);
        expect(validateEnvelope(recorded.body)).to.equal(true);
      }
    });
  });

  describe('translation tables', () => {
    const theme = fixture('theme-detail').body.data as WireTheme;
    const matter = fixture('matter-detail').body.data as WireMatter;

    it('orders theme matters by sort and treats an unknown status as withdrawn', () => {
      const shuffled = clone(theme);
      shuffled.matters.reverse();
      shuffled.status = '9';
      const mapped = mapTheme(shuffled);
      expect(mapped.matterCodes).to.deep.equal(mapTheme(theme).matterCodes);
      expect(mapped.status).to.equal('withdrawn');
      expect(mapTheme({ ...clone(theme), serviceObject: '2' }).subjectType).to.equal('enterprise');
    });

    it('refuses what it cannot trust, naming the field', () => {
      const cases: [string, () => unknown, string][] = [
        ['unknown service object', () => mapTheme({ ...clone(theme), serviceObject: '3' }), '/serviceObject'],
        ['bad matter code in a theme', () => mapTheme({ ...clone(theme), matters: [{ catalogCode: '009944622000', sort: 1 }] }), '/matters/0/catalogCode'],
        ['a matter listed twice', () => mapTheme({ ...clone(theme), matters: [theme.matters[0]!, theme.matters[0]!] }), '/matters/1/catalogCode'],
        ['implementation code for another matter', () => mapMatter({ ...clone(matter), taskCode: `${matter.taskCode.slice(0, 19)}000799999000` }), '/taskCode'],
        ['broken credit code in the implementation code', () => mapMatter({ ...clone(matter), taskCode: `0${matter.taskCode.slice(1)}` }), '/taskCode'],
        ['level differing from the code', () => mapMatter({ ...clone(matter), useLevel: '2' }), '/useLevel'],
        ['type differing from the code', () => mapMatter({ ...clone(matter), taskType: '01' }), '/taskType'],
        ['a choice field without options', () => mapMatter({ ...clone(matter), formFields: [{ fieldCode: 'xb', fieldName: '性别', fieldType: 'select', isRequired: '1' }] }), '/formFields/0/options'],
        ['容缺 without a period', () => mapMatter({ ...clone(matter), materials: [{ ...matter.materials[0]!, isTolerant: '1', tolerantDays: 0 }] }), '/materials/0/tolerantDays'],
        ['告知承诺 without a text', () => mapMatter({ ...clone(matter), materials: [matter.materials[0]!, { ...matter.materials[1]!, isPromise: '1', promiseContent: ' ' }] }), '/materials/1/promiseContent'],
      ];
      for (const [what, run, pointer] of cases) {
        expect(run, what).to.throw(WireValueError).with.property('pointer', pointer);
      }
    });

    it('defaults unknown widgets to string and unknown material forms to original', () => {
      const odd = clone(matter);
      odd.formFields = [{ fieldCode: 'bz', fieldName: '备注', fieldType: 'richtext', isRequired: '0' }];
      odd.materials = [{ materialCode: 'X1', materialName: '其他材料', materialForm: '7', isRequired: '0', licenceName: '' }];
      const mapped = mapMatter(odd);
      expect(mapped.formFields).to.deep.equal([{ code: 'bz', label: '备注', type: 'string', required: false, options: [] }]);
      expect(mapped.materials).to.deep.equal([{ code: 'X1', name: '其他材料', form: 'original', required: false, licenceType: undefined, deferral: { allowed: false, days: 0 }, commitment: { allowed: false, text: '' } }]);
    });

    it('reads the 容缺 and 告知承诺 flags with their parameters, and a record without them as neither allowed', () => {
      const flagged = clone(matter);
      flagged.materials = [{ materialCode: 'M-01', materialName: '住所使用证明', materialForm: '2', isRequired: '1', licenceName: '', isTolerant: '1', tolerantDays: 7, isPromise: '1', promiseContent: ' 本人承诺：住所真实。 ' }];
      expect(mapMatter(flagged).materials[0]).to.deep.include({ deferral: { allowed: true, days: 7 }, commitment: { allowed: true, text: '本人承诺：住所真实。' } });
      // '0' ignores stray parameters; absent flags (an older record) mean not allowed.
      flagged.materials = [{ materialCode: 'M-01', materialName: '住所使用证明', materialForm: '2', isRequired: '1', licenceName: '', isTolerant: '0', tolerantDays: 7, isPromise: '0', promiseContent: '本人承诺' },
        { materialCode: 'M-02', materialName: '申请表', materialForm: '1', isRequired: '1', licenceName: '' }];
      for (const material of mapMatter(flagged).materials) expect(material).to.deep.include({ deferral: { allowed: false, days: 0 }, commitment: { allowed: false, text: '' } });
      expect(validateMatter({ ...flagged, materials: [{ ...flagged.materials[0]!, isTolerant: 'Y' }] })).to.equal(false);
    });
  });

  describe('error mapping', () => {
    const cases: [number, number, string, boolean][] = [
      [40100, 401, 'auth', false], [40101, 401, 'auth', false], [40102, 401, 'auth', false], [40103, 401, 'auth', false], [40104, 401, 'auth', false],
      [40001, 400, 'rejected', false], [40401, 404, 'rejected', false], [50001, 500, 'unavailable', true],
      [59999, 503, 'unavailable', true], [49999, 400, 'rejected', false],
    ];
    for (const [code, status, kind, retryable] of cases) {
      it(`maps code ${code} (HTTP ${status}) to ${kind}${retryable ? ', retryable' : ''}`, () => {
        const error = envelopeError('listThemes', status, code, 'upstream words');
        expect(error).to.include({ system: 'matter-system', operation: 'listThemes', kind, retryable, upstreamStatus: status, upstreamCode: String(code) });
        // The upstream's own message is a logged cause, never the client-facing message.
        expect(error.message).not.to.include('upstream words');
        expect((error.cause as Error).message).to.include('upstream words');
      });
    }

    it('tells a wrong secret from a skewed clock', () => {
      expect(envelopeError('getTheme', 401, 40102, '').message).to.match(/signature does not verify/);
      expect(envelopeError('getTheme', 401, 40103, '').message).to.match(/clock skew/);
    });

    it('makes malformed answers non-retryable', () => {
      expect(malformedError('listMatters', '/data: must be object', 200)).to.include({ kind: 'malformed', retryable: false, upstreamStatus: 200 });
    });
  });
});
