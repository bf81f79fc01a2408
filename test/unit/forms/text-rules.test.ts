import { expect } from 'chai';
import fc from 'fast-check';
import { normalizeFormText, normalizeText, readText, textFault } from '../../../src/forms/text-rules.js';

describe('text rules: NFC, trimmed, no invisible or non-characters', () => {
  it('normalises to NFC and trims white space (ideographic space too)', () => {
    expect(normalizeText('  Zoe\u0301 \u3000')).to.equal('Zoé');
    expect(normalizeText('\u00a0张三\n')).to.equal('张三');
    expect(readText(' 广东省梅州市 ')).to.deep.equal({ text: '广东省梅州市' });
  });

  const refused: [string, string, RegExp][] = [
    ['empty', '', /empty/],
    ['white space only', ' \u3000\t ', /empty/],
    ['NUL', '张\u0000三', /control/],
    ['tab inside', '张\t三', /control/],
    ['line feed inside', '张\n三', /line break/],
    ['DEL', '张\u007f三', /control/],
    ['C1', '张\u0085三', /control/],
    ['a lone high surrogate', '张\ud800三', /surrogate/],
    ['a lone low surrogate', '\udc00张', /surrogate/],
    ['RIGHT-TO-LEFT OVERRIDE', '张\u202e三', /bidirectional/],
    ['LEFT-TO-RIGHT EMBEDDING', '\u202a张三', /bidirectional/],
    ['an isolate', '张\u2067三', /bidirectional/],
    ['RLM', '张\u200f三', /bidirectional/],
    ['ALM', '张\u061c三', /bidirectional/],
    ['U+FFFE', '张\ufffe', /noncharacter/],
    ['U+FDD0', '张\ufdd0', /noncharacter/],
    ['U+1FFFF', '张\ud83f\udfff', /noncharacter/],
    ['U+10FFFE', '张\udbff\udffe', /noncharacter/],
  ];
  for (const [name, value, message] of refused) {
    it(`refuses ${name}`, () => {
      const read = readText(value, { noMarkup: true });
      expect(read.fault, JSON.stringify(read)).to.match(message);
    });
  }

  it('refuses < and > where markup is not text (the merged form), keeps full-width brackets and & as text', () => {
    expect(textFault('<script>alert(1)</script>', { noMarkup: true })).to.match(/< or >/);
    expect(textFault('a > b', { noMarkup: true })).to.match(/< or >/);
    expect(textFault('<b>', {})).to.equal(undefined);
    expect(textFault('《食品经营许可证》〈甲〉 A&B 有限公司', { noMarkup: true })).to.equal(undefined);
  });

  it('accepts what names and addresses really hold: middle dots, rare characters (planes 2 and 3), private use', () => {
    for (const value of ['阿依古丽·买买提', '𠀀𪚥𰻝', '梅县区新城办事处 1号', 'Zoé O\'Brien-Smith', '\ue000']) expect(textFault(value, { noMarkup: true }), value).to.equal(undefined);
  });

  it('multi-line text keeps line feeds, turns CRLF and CR into LF, still refuses other controls', () => {
    expect(readText(' 材料不全\r\n请补正\r第二行 ', { multiLine: true })).to.deep.equal({ text: '材料不全\n请补正\n第二行' });
    expect(readText('材料\t不全', { multiLine: true }).fault).to.match(/control/);
  });

  it('normalizeFormText: a new form with every string normalised, every fault by JSON Pointer', () => {
    const form = { applicant: { name: ' 张三 ', address: '\u202e市州梅', age: 3 }, 'a/b': { '~k': '' } };
    const result = normalizeFormText(form, '/form');
    expect(result.form).to.deep.equal({ applicant: { name: '张三', address: '\u202e市州梅', age: 3 }, 'a/b': { '~k': '' } });
    expect(result.errors.map((error) => error.pointer)).to.deep.equal(['/form/applicant/address', '/form/a~1b/~0k']);
    expect(form.applicant.name).to.equal(' 张三 ');
  });

  it('property: every accepted text is NFC, trimmed, and free of the refused classes; normalising twice changes nothing', () => {
    const refusedClass = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufdd0-\ufdef\ufffe\uffff<>]/;
    const pieces = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-composite' }),
      fc.constantFrom(' ', '\u3000', '\u202e', '\u0000', '\ud800', 'e\u0301', '<', '张', '\r\n', '\ud83f\udffe'));
    fc.assert(fc.property(fc.array(pieces, { maxLength: 6 }).map((parts) => parts.join('')), (value) => {
      const read = readText(value, { noMarkup: true });
      if (read.fault !== undefined) return;
      expect(read.text).to.equal(read.text.normalize('NFC').trim());
      expect(refusedClass.test(read.text)).to.equal(false);
      expect(read.text.length).to.be.greaterThan(0);
      expect(normalizeText(read.text)).to.equal(read.text);
    }), { seed: 1411, numRuns: 4000 });
  });
});
