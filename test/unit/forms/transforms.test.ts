/**
 * Named transforms whose input is free text a licence prints (docs/mappings.md#transforms): what they accept, and
 * that what they cannot read is a TransformError (prefill leaves the field to the applicant), never a guess.
 */
import { expect } from 'chai';
import { resolveTransform, TransformError } from '../../../src/forms/transforms.js';

describe('transforms', () => {
  describe('amount.wanYuan (注册资本 as the 营业执照 prints it → 万元)', () => {
    const wanYuan = resolveTransform('amount.wanYuan', new Map())!;

    it('reads 万元 and yuan amounts of 人民币, whichever way round the currency is written', () => {
      expect(wanYuan('500万元人民币')).to.equal(500);
      expect(wanYuan('50万元')).to.equal(50);
      expect(wanYuan('人民币30万元')).to.equal(30);
      expect(wanYuan('100万人民币')).to.equal(100);
      expect(wanYuan('12.5万元人民币')).to.equal(12.5);
      expect(wanYuan('5000000元')).to.equal(500);
      expect(wanYuan(' 1000 万元人民币 ')).to.equal(1000);
    });

    it('refuses another currency and text that is no amount', () => {
      for (const text of ['100万美元', '50万港元', '五百万元', '长期', '']) {
        expect(() => wanYuan(text), text).to.throw(TransformError);
      }
    });
  });
});
