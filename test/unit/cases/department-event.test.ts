import { expect } from 'chai';
import { readDepartmentEvent } from '../../../src/cases/apply-department-event.js';
import { TongbanError } from '../../../src/errors/index.js';

const event = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventId: 'evt-1', subApplicationId: '0193a0c4-0000-7000-8000-000000000001', type: 'completed', occurredAt: '2026-11-24T10:00:00+08:00', ...overrides,
});

function pointers(body: unknown): string[] {
  try {
    readDepartmentEvent(body);
  } catch (error) {
    expect(error).to.be.instanceOf(TongbanError).and.include({ code: 'VALIDATION_FAILED' });
    return (error as TongbanError).errors!.map((field) => field.pointer);
  }
  return [];
}

describe('department events: their texts follow the text rules', () => {
  it('normalises every text: NFC, trimmed; a reason keeps its lines (CRLF and CR become LF)', () => {
    const read = readDepartmentEvent(event({
      type: 'rejected', acceptanceNumber: ' GAJ-2026-0001\u3000', reason: ' 材料不全\r\n请补正 Zoe\u0301 ',
      results: [{ name: ' 出生医学证明 ', value: ' 44140320260301123X ' }, { name: '户口簿', licenceIdentifier: ' 1.2.156.3005.2.1 ', url: ' https://dept.test/r/1 ' }],
    }));
    expect(read).to.deep.include({ acceptanceNumber: 'GAJ-2026-0001', reason: '材料不全\n请补正 Zoé' });
    expect(read.results).to.deep.equal([{ name: '出生医学证明', value: '44140320260301123X' }, { name: '户口簿', licenceIdentifier: '1.2.156.3005.2.1', url: 'https://dept.test/r/1' }]);
  });

  it('leaves the body it was given as it was', () => {
    const body = event({ reason: ' 甲 ', results: [{ name: ' 乙 ' }] });
    readDepartmentEvent(body);
    expect(body).to.deep.include({ reason: ' 甲 ' });
    expect(body['results']).to.deep.equal([{ name: ' 乙 ' }]);
  });

  const refused: [string, Record<string, unknown>, string[]][] = [
    ['a blank reason of a rejection', { type: 'rejected', reason: ' \u3000 ' }, ['/reason']],
    ['a rejection without a reason', { type: 'rejected' }, ['/reason']],
    ['a reason with a control character', { reason: '材料\u0000不全' }, ['/reason']],
    ['a reason with a tab', { reason: '材料\t不全' }, ['/reason']],
    ['a reason with a RIGHT-TO-LEFT OVERRIDE', { reason: '材料\u202e全不' }, ['/reason']],
    ['a reason with an unpaired surrogate', { reason: '材料\ud800' }, ['/reason']],
    ['a reason of 501 characters', { reason: '由'.repeat(501) }, ['/reason']],
    ['an acceptance number with a line break', { acceptanceNumber: 'GAJ\n0001' }, ['/acceptanceNumber']],
    ['an empty acceptance number', { acceptanceNumber: '' }, ['/acceptanceNumber']],
    ['an acceptance number with an isolate', { acceptanceNumber: 'GAJ\u20660001' }, ['/acceptanceNumber']],
    ['an acceptance number that is not text', { acceptanceNumber: 7 }, ['/acceptanceNumber']],
    ['a blank result name', { results: [{ name: '  ', value: '1' }] }, ['/results/0/name']],
    ['a result without a name', { results: [{ value: '1' }] }, ['/results/0/name']],
    ['a result name with a noncharacter', { results: [{ name: '证\ufffe' }] }, ['/results/0/name']],
    ['a result name of 201 characters', { results: [{ name: '证'.repeat(201) }] }, ['/results/0/name']],
    ['a result value with markup (it may fill another department\'s form)', { results: [{ name: '身份证号', value: '<b>4414</b>' }] }, ['/results/0/value']],
    ['a blank result value', { results: [{ name: '身份证号', value: ' ' }] }, ['/results/0/value']],
    ['a licence identifier with a bidi mark', { results: [{ name: '户口簿', licenceIdentifier: '1.2.156\u200f' }] }, ['/results/0/licenceIdentifier']],
    ['a URL with a line break', { results: [{ name: '结果', url: 'https://dept.test/\r\nX: 1' }] }, ['/results/0/url']],
    ['a result that is not an object', { results: ['证'] }, ['/results/0']],
  ];
  for (const [name, overrides, expected] of refused) {
    it(`refuses ${name}, naming the pointer`, () => expect(pointers(event(overrides))).to.deep.equal(expected));
  }

  it('names every member at fault in one problem', () => {
    expect(pointers(event({ type: 'rejected', reason: '', acceptanceNumber: '\u202e', results: [{ name: '' }, { name: '证', value: '\u0007' }] })))
      .to.deep.equal(['/acceptanceNumber', '/reason', '/results/0/name', '/results/1/value']);
  });
});
