import { expect } from 'chai';
import fc from 'fast-check';
import { Writable } from 'node:stream';
import { PROVINCE_CODES, makeCreditCode, makeIdNumber, makeLicenceIdentifier } from '../../src/domain/identifiers/index.js';
import { createLogger, redact, redactText, runWithTrace } from '../../src/log/index.js';
import { flattenForPiiSearch, fullWidth, percentAll, unicodeEscaped } from '../helpers/pii-encodings.js';

/** A logger whose lines are kept in memory. */
function capturedLogger(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _encoding, callback) { lines.push(chunk.toString()); callback(); } });
  return { logger: createLogger({ level: 'debug', stream }), lines };
}

describe('PII redaction', () => {
  describe('a corpus of encodings: each masked, the rest of the line untouched', () => {
    const cases: [string, string, string][] = [
      ['an ID number', '申请人 11010519491231002X 已提交', '申请人 110105********002X 已提交'],
      ['an ID number ending in a digit', 'id=440106198001011234;', 'id=440106********1234;'],
      ['an ID number with lower-case x', 'id 11010519491231002x.', 'id 110105********002x.'],
      ['an ID number spaced 6-8-4', '身份证 440104 19900101 1234 核验', '身份证 440104 ******** 1234 核验'],
      ['an ID number spaced in fours', 'id 4401 0419 9001 0112 34.', 'id 4401 04** **** **12 34.'],
      ['an ID number dashed', 'id 440104-19900101-1234', 'id 440104-********-1234'],
      ['an ID number in full-width digits', '号码４４０１０４１９９００１０１１２３４。', '号码440104********1234。'],
      ['an ID number in full-width digits and spaces', '４４０１０４　１９９００１０１　１２３４', '440104 ******** 1234'],
      ['an ID number in a URL path', 'GET /v1/holders/440104199001011234/licence-uses', 'GET /v1/holders/440104********1234/licence-uses'],
      ['an ID number percent-encoded in a path', `/v1/holders/${percentAll('440104199001011234')}/licence-uses`, '/v1/holders/440104********1234/licence-uses'],
      ['an ID number percent-encoded twice', `?holderCode=${percentAll('440104199001011234').replaceAll('%', '%25')}`, '?holderCode=440104********1234'],
      ['an ID number with %20 between groups', '?holderCode=440104%2019900101%201234&x=1', '?holderCode=440104 ******** 1234&x=1'],
      ['a Taiwan residence permit', 'holder 830000199001011234', 'holder 830000********1234'],
      ['a Hong Kong residence permit spaced', 'holder 810000 19850615 0020', 'holder 810000 ******** 0020'],
      ['a Macao residence permit', '{"code":"820000200002290072"}', '{"code":"820000********0072"}'],
      ['a mobile', 'call 13812345678 now', 'call 138****5678 now'],
      ['a +86 mobile', 'tel +8613912345678', 'tel +86139****5678'],
      ['a mobile dashed', 'tel 138-1234-5678.', 'tel 138-****-5678.'],
      ['a mobile spaced', 'tel 138 1234 5678', 'tel 138 **** 5678'],
      ['a +86 mobile spaced', 'tel +86 138 1234 5678', 'tel +86 138 **** 5678'],
      ['a 0086 mobile', 'tel 008613812345678', 'tel 0086138****5678'],
      ['a (+86) mobile', 'tel (+86)13812345678', 'tel (+86)138****5678'],
      ['a full-width mobile', '电话：１３８１２３４５６７８', '电话：138****5678'],
      ['a full-width +86 mobile', `电话 ${fullWidth('+8613812345678')}`, '电话 +86138****5678'],
      ['a mobile percent-encoded in a query', '?phone=%2B86%20138%201234%205678', '?phone=+86 138 **** 5678'],
      ['a name percent-encoded in a query', '/v1/holders?name=%E5%BC%A0%E4%B8%89&page=2', '/v1/holders?name=张*&page=2'],
      ['a holder name in a query', '/v1/licences?holderName=%E6%AC%A7%E9%98%B3%E5%B0%8F%E6%98%8E', '/v1/licences?holderName=欧***'],
      ['names and an address in JSON inside a string', 'upstream said {"applicant":{"name":"张三","address":"北京市东城区景山前街4号"}}', 'upstream said {"applicant":{"name":"张*","address":"北京市东***"}}'],
      ['a name in JSON escaped once, as \\u escapes', '{\\"xm\\":\\"\\u5f20\\u4e09\\"}', '{\\"xm\\":\\"张*\\"}'],
      ['a name under a Chinese label', '姓名：张三，性别：男', '姓名：张*，性别：男'],
      ['a mother\'s name under a licence surface key', '{"MQXM":"李梅","XSEXM":"王小宝"}', '{"MQXM":"李*","XSEXM":"王**"}'],
      ['an address under a Chinese label', '住址：广东省梅州市梅县区新城路1号 end', '住址：广东省梅*** end'],
      ['a bank card', 'card 6222021234567890128 used', 'card 622202*********0128 used'],
      ['a bank card spaced', 'card 6222 0212 3456 7890 128', 'card 6222 02** **** ***0 128'],
      ['an e-mail address', 'mail zhang.san@example.com ok', 'mail z***@example.com ok'],
      ['a sole trader\'s credit code (92)', 'shop 92441403MA5DC0E5X1', 'shop 9244**********E5X1'],
      ['a token in a query', '/cb?access_token=abc.def&x=1', '/cb?access_token=[redacted]&x=1'],
    ];
    for (const [what, input, expected] of cases) {
      it(`masks ${what}`, () => expect(redactText(input)).to.equal(expected));
    }
  });

  describe('a negative corpus: comes out unchanged', () => {
    const negatives = [
      'trace 4bf92f3577b34da6a3ce929d0e0e4736 id 6f1c2a9e-0b7d-4c1e-9a55-1c2d3e4f5a6b at 1700000000000 matter 000201001000',
      'access GET /v1/themes/MX-T05/guide 200 12.345 ms',
      'POST PUT PATCH DELETE HEAD OPTIONS',
      '2026-11-24T08:00:00.000Z 2026-11-24 08:00:00+08:00 1732435200 1732435200123',
      'enterprise 91350100M000100Y43 registered; authority 11100000000013338W; hospital 124414034560871242',
      'licence 1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U',
      'licence 1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F',
      'implementation 11441403007012346W4000107000010 handling 11441403007012346W400010700001001',
      '国（境）内出生登记 → 公安局; 城乡居民参保登记 → 医疗保障局：waits for 国（境）内出生登记',
      '婴儿“出生一件事”（MX-T05）、我要开办食品经营(副食店、士多店)',
      '{"name":"TypeError","message":"fetch failed"} name=UpstreamError {"name":"Error"}',
      'receipt GAJ2026112400001 seq 17 ledgerSeqs [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18]',
      'ops login failed address=127.0.0.1 user=ops-admin; address: ::1',
      'serial 20230000403 version 001 durationMs 1234.567 bytes 1048576 port 8080 pid 4242',
      'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'http://127.0.0.1:8080/v1/applications?status=in_progress&limit=50',
    ];
    for (const text of negatives) it(`leaves alone: ${text.slice(0, 60)}`, () => expect(redactText(text)).to.equal(text));
  });

  it('masks names, addresses and secrets in nested objects and arrays', () => {
    const input = {
      applicant: { name: '张三丰', idNumber: '11010519491231002X', address: '北京市东城区景山前街4号', phone: '13812345678' },
      members: [{ spouseName: '李四', contact_name: 'Wang Wu' }],
      certificate_holder_name: '王小明',
      themeName: '出生一件事',
      accessToken: 'abcd', key: { d: 'private-scalar', kty: 'OKP' },
    };
    expect(redact(input)).to.deep.equal({
      applicant: { name: '张**', idNumber: '110105********002X', address: '北京市东***', phone: '138****5678' },
      members: [{ spouseName: '李*', contact_name: 'W******' }],
      certificate_holder_name: '王**',
      themeName: '出生一件事',
      accessToken: '[redacted]', key: { d: '[redacted]', kty: 'OKP' },
    });
  });

  it('never masks the name of an error, a matter, a theme, a seal or a department, nor an IP address', () => {
    const input = {
      error: { name: 'Error', message: 'boom', stack: 'Error: boom' },
      cause: { name: 'UpstreamError' },
      failure: { name: 'TypeError' },
      matter: { name: '国（境）内出生登记', code: '000107000010' },
      matters: [{ name: '城乡居民参保登记' }],
      theme: { name: '出生一件事', code: 'MX-T05' },
      seal: { name: '梅州市梅县区公安局电子印章' },
      department: { name: '公安局' },
      something: { name: '公安局', departmentCode: 'gaj' },
      address: '10.0.0.7',
    };
    expect(redact(input)).to.deep.equal(input);
    expect(redact(new TypeError('x'))).to.include({ name: 'TypeError' });
  });

  it('masks a bare name on an object that is no such entity (privacy by default)', () => {
    expect(redact({ holder: { name: '张三', code: '440104199001011234' }, name: '李四' }))
      .to.deep.equal({ holder: { name: '张*', code: '440104********1234' }, name: '李*' });
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: '赵六' };
    a['self'] = a;
    expect(redact(a)).to.deep.equal({ name: '赵*', self: '[cycle]' });
  });

  it('masks twice-logged values once (masking is idempotent)', () => {
    const once = redact({ holderName: '张三', address: '北京市东城区景山前街4号', id: '440104199001011234' });
    expect(redact(once)).to.deep.equal(once);
  });

  it('the logger writes JSON lines with the trace id and no PII, from messages and metadata alike', () => {
    const { logger, lines } = capturedLogger();
    runWithTrace({ traceId: 'trace-abc-123' }, () => {
      logger.info('prefill for 11010519491231002X phone 13812345678', { holder: { name: '张三', idNumber: '11010519491231002X' } });
    });
    expect(lines).to.have.length(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).to.include({ level: 'info', traceId: 'trace-abc-123', message: 'prefill for 110105********002X phone 138****5678' });
    expect(line['holder']).to.deep.equal({ name: '张*', idNumber: '110105********002X' });
    expect(lines[0]).not.to.contain('19491231').and.not.to.contain('张三');
  });

  it('the logger judges top-level fields like nested ones: a name is masked, an error\'s name is not', () => {
    const { logger, lines } = capturedLogger();
    logger.warn('who', { name: '张三', address: '广东省梅州市梅县区新城路1号' });
    logger.error('request failed', { code: 'INTERNAL_ERROR', method: 'GET', error: { name: 'Error', message: 'boom', stack: 'Error: boom' } });
    const [who, failed] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(who).to.include({ name: '张*', address: '广东省梅***' });
    expect(failed).to.deep.include({ method: 'GET', error: { name: 'Error', message: 'boom', stack: 'Error: boom' } });
  });

  describe('property: generated log records', () => {
    const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '欧阳', '司马', '丘', '梁', '钟'];
    const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平'];
    const AREAS = [...Object.keys(PROVINCE_CODES).map((province) => `${province}0102`), '441403', '110105', '810000', '820000', '830000'];
    const MOBILE_PREFIXES = ['134', '138', '139', '150', '158', '166', '177', '182', '188', '199'];

    const idNumber = fc.record({
      areaCode: fc.constantFrom(...AREAS),
      birthDate: fc.date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }),
      sequence: fc.integer({ min: 0, max: 999 }),
    }).map(({ areaCode, birthDate, sequence }) => makeIdNumber({ areaCode, birthDate: birthDate.toISOString().slice(0, 10), sequence }));
    const mobile = fc.tuple(fc.constantFrom(...MOBILE_PREFIXES), fc.stringMatching(/^\d{8}$/)).map(([prefix, rest]) => prefix + rest);
    const name = fc.tuple(fc.constantFrom(...SURNAMES), fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 2 })).map(([surname, given]) => surname + given.join(''));

    /** Ways of writing a run of digits (an ID number or a mobile) as it is seen in logs. */
    const digitEncodings: ReadonlyArray<(value: string, gaps: number[]) => string> = [
      (value) => value,
      (value) => value.toLowerCase(),
      (value) => (value.length === 18 ? `${value.slice(0, 6)} ${value.slice(6, 14)} ${value.slice(14)}` : `${value.slice(0, 3)} ${value.slice(3, 7)} ${value.slice(7)}`),
      (value) => value.replace(/(.{4})(?=.)/g, '$1 '),
      (value) => (value.length === 18 ? `${value.slice(0, 6)}-${value.slice(6, 14)}-${value.slice(14)}` : `${value.slice(0, 3)}-${value.slice(3, 7)}-${value.slice(7)}`),
      // Separators at random places between groups of two or more digits.
      (value, gaps) => [...value].map((character, index) => (gaps.includes(index) && index % 2 === 0 && index > 0 && index < value.length - 1 ? ['', ' ', '-', ' - '][gaps.indexOf(index) % 4] : '') + character).join(''),
      (value) => fullWidth(value),
      (value) => fullWidth(value).replace(/(.{6})(?=.)/u, '$1\u3000'),
      (value) => percentAll(value),
      (value) => percentAll(value).replaceAll('%', '%25'),
      (value) => unicodeEscaped(value),
      (value) => (value.length === 11 ? `+86 ${value}` : value),
      (value) => (value.length === 11 ? `${fullWidth('+86')}${fullWidth(value)}` : value),
    ];
    const nameEncodings: ReadonlyArray<(value: string) => string> = [(value) => value, percentAll, unicodeEscaped, fullWidth];
    const NOISE = ['trace 4bf92f3577b34da6a3ce929d0e0e4736', '6f1c2a9e-0b7d-4c1e-9a55-1c2d3e4f5a6b', '2026-11-24T08:00:00.000Z', 'MX-T05', '国（境）内出生登记',
      '公安局', 'GET', 'status=400', '1700000000000', 'useCause=%E5%A9%B4%E5%84%BF', ''];

    /** One generated record: the message and metadata to log, with the PII it holds. */
    const record = fc.record({
      id: idNumber, phone: mobile, person: name,
      idEncoding: fc.nat(digitEncodings.length - 1), phoneEncoding: fc.nat(digitEncodings.length - 1), nameEncoding: fc.nat(nameEncodings.length - 1),
      gaps: fc.array(fc.nat(17), { maxLength: 6 }),
      where: fc.constantFrom('message', 'path', 'query', 'json-in-string', 'fields', 'label'),
      before: fc.constantFrom(...NOISE), after: fc.constantFrom(...NOISE),
    }).map((drawn) => {
      const id = digitEncodings[drawn.idEncoding]!(drawn.id, drawn.gaps);
      const phone = digitEncodings[drawn.phoneEncoding]!(drawn.phone, drawn.gaps.map((gap) => gap % 11));
      const person = nameEncodings[drawn.nameEncoding]!(drawn.person);
      const around = (text: string) => `${drawn.before} ${text} ${drawn.after}`;
      const meta: Record<string, unknown> = { method: 'GET', status: 400 };
      let message = 'access';
      switch (drawn.where) {
        case 'message': message = around(`holder ${id} phone ${phone} name=${person}`); break;
        case 'path': meta['path'] = `/v1/holders/${id}/licence-uses?name=${person}&phone=${phone}`; break;
        case 'query': meta['path'] = `/v1/licences?holderCode=${id}&holderName=${person}&phone=${phone}&${drawn.after}`; break;
        case 'json-in-string': meta['body'] = around(`{"applicant":{"name":"${person}","idNumber":"${id}","phone":"${phone}"}}`); break;
        case 'fields': meta['applicant'] = { name: person, idNumber: id, phone, note: around('') }; break;
        case 'label': message = around(`姓名：${person}，身份证：${id}，电话：${phone}`); break;
      }
      return { message, meta, pii: [drawn.id, drawn.phone, drawn.person] };
    });

    it('3,000 records with ID numbers, mobiles and names in random encodings and places: none left unmasked (seeded)', () => {
      const { logger, lines } = capturedLogger();
      fc.assert(fc.property(record, ({ message, meta, pii }) => {
        logger.info(message, meta);
        const flat = flattenForPiiSearch(lines.at(-1)!);
        for (const value of pii) if (flat.includes(value.toUpperCase())) throw new Error(`"${value}" left in ${lines.at(-1)}`);
      }), { seed: 20261124, numRuns: 3000 });
    });

    it('3,000 records of what the gateway logs that is not personal come out unchanged (seeded)', () => {
      const organisation = fc.record({
        authority: fc.constantFrom(['1', '1'], ['1', '2'], ['5', '1'], ['9', '1'], ['Y', '1']),
        area: fc.constantFrom('441403', '110101', '100000', '440300'),
        body: fc.stringMatching(/^[0-9A-HJ-NP-RTUW-Y]{8}$/),
      }).map(({ authority, area, body }) => makeCreditCode({ registrationAuthority: authority[0]!, category: authority[1]!, areaCode: area, organizationCode: body }));
      const licenceIdentifier = fc.tuple(organisation, organisation, fc.stringMatching(/^[0-9A-Z]{7,20}$/), fc.integer({ min: 1, max: 999 }))
        .map(([definer, issuer, serial, version]) => makeLicenceIdentifier({ typeCode: `${definer}011`, issuerCreditCode: issuer, serial, version }));
      const token = fc.oneof(
        fc.uuid(), fc.stringMatching(/^[0-9a-f]{32}$/), fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2099-12-31') }).map((date) => date.toISOString()),
        // Numbers are logged labelled (`bytes=1234`), as JSON fields are.
        fc.tuple(fc.constantFrom('bytes=', 'seq ', 'durationMs: ', 'pid='), fc.integer({ min: 0, max: 2 ** 45 })).map(([label, number]) => `${label}${number}`),
        fc.double({ min: 0, max: 1e6, noNaN: true }).map((number) => `ms=${number}`),
        fc.constantFrom('GET', 'POST', 'DELETE', 'TypeError', 'UpstreamError', '国（境）内出生登记', '出生一件事', '公安局', 'MX-T05', '000107000010', '/v1/themes/MX-T05/guide'),
        organisation, licenceIdentifier,
      );
      const { logger, lines } = capturedLogger();
      fc.assert(fc.property(fc.array(token, { minLength: 1, maxLength: 8 }), fc.constantFrom(' ', ', ', '; ', '/', ' → '), (tokens, separator) => {
        const text = tokens.join(separator);
        logger.info(text, { path: `/v1/licences/${tokens[0]}`, error: { name: 'TypeError', message: text }, matter: { name: '国（境）内出生登记' } });
        const line = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
        expect(line['message']).to.equal(text);
        expect(line['path']).to.equal(`/v1/licences/${tokens[0]}`);
        expect(line['error']).to.deep.equal({ name: 'TypeError', message: text });
        expect(line['matter']).to.deep.equal({ name: '国（境）内出生登记' });
      }), { seed: 32100, numRuns: 3000 });
    });
  });
});
