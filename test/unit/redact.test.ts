import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger, redact, redactText, runWithTrace } from '../../src/log/index.js';

describe('PII redaction', () => {
  const cases: [string, string, string][] = [
    ['an ID number', '申请人 11010519491231002X 已提交', '申请人 110105********002X 已提交'],
    ['an ID number ending in a digit', 'id=440106198001011234;', 'id=440106********1234;'],
    ['a credit code', 'enterprise 91350100M000100Y43 registered', 'enterprise 9135**********0Y43 registered'],
    ['a mobile phone', 'call 13812345678 now', 'call 138****5678 now'],
    ['a +86 mobile phone', 'tel +8613912345678', 'tel +86139****5678'],
  ];
  for (const [what, input, expected] of cases) {
    it(`masks ${what} in text`, () => expect(redactText(input)).to.equal(expected));
  }

  it('leaves trace ids, UUIDs, timestamps and matter codes alone', () => {
    const text = 'trace 4bf92f3577b34da6a3ce929d0e0e4736 id 6f1c2a9e-0b7d-4c1e-9a55-1c2d3e4f5a6b at 1700000000000 matter 000201001000';
    expect(redactText(text)).to.equal(text);
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

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: '赵六' };
    a['self'] = a;
    expect(redact(a)).to.deep.equal({ name: '赵*', self: '[cycle]' });
  });

  it('the logger writes JSON lines with the trace id and no PII, from messages and metadata alike', () => {
    const lines: string[] = [];
    const stream = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } });
    const logger = createLogger({ level: 'info', stream });
    runWithTrace({ traceId: 'trace-abc-123' }, () => {
      logger.info('prefill for 11010519491231002X phone 13812345678', { holder: { name: '张三', idNumber: '11010519491231002X' } });
    });
    expect(lines).to.have.length(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).to.include({ level: 'info', traceId: 'trace-abc-123', message: 'prefill for 110105********002X phone 138****5678' });
    expect(line['holder']).to.deep.equal({ name: '张*', idNumber: '110105********002X' });
    expect(lines[0]).not.to.contain('19491231').and.not.to.contain('张三');
  });
});
