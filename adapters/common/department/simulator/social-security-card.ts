/**
 * What a simulated 民政和人社局 answers when it completes 社会保障卡申领
 * (002096705000) for a newborn: the card's 社会保障号码 (the child's
 * 公民身份号码, which the form carries from 出生登记's result), the 卡号, the
 * 参保状态, the bank account of the 金融社保卡 (a co-branded bank card: a
 * bank of 梅州 and a Luhn-checked account number, as the population's cards
 * have) and the card as the result document. The gateway issues it into the
 * licence library (docs/licence-issuance.md).
 */
import type { DepartmentResult, SubApplicationDelivery } from '../../../../src/domain/department-channel.js';
import { CARD_BANKS, withLuhn } from '../../population/index.js';
import { resultPdf } from './result-documents.js';
import { ResultValues } from './result-values.js';

/** The matter code of 社会保障卡申领. */
export const SOCIAL_SECURITY_CARD_MATTER = '002096705000';

/** The results of a completed 社会保障卡申领, or undefined when the form carries no 公民身份号码 (出生登记's result). */
export function socialSecurityCardResults(delivery: SubApplicationDelivery): DepartmentResult[] | undefined {
  const form = delivery.form as Record<string, unknown>;
  const idNumber = typeof form['sfzhm'] === 'string' ? form['sfzhm'].trim() : '';
  if (!/^\d{17}[\dX]$/.test(idNumber)) return undefined;
  const values = new ResultValues(delivery.subApplicationId);
  const cardNumber = `${values.pick(['M', 'N', 'Q'])}${values.digits(8)}`;
  const [bank, bin] = values.pick(CARD_BANKS);
  const account = withLuhn(`${bin}${values.digits(12)}`);
  return [
    { name: '社会保障号码', value: idNumber },
    { name: '卡号', value: cardNumber },
    // A minor is insured under 城乡居民基本医疗保险 (参保登记, the theme's other matter), as the population's children are.
    { name: '参保状态', value: '城乡居民参保' },
    { name: '开户银行', value: bank },
    { name: '银行账号', value: account },
    { name: '社会保障卡', documentBase64: resultPdf(['Social security card (shehui baozhang ka)', `Social security number: ${idNumber}`, `Card number: ${cardNumber}`]).toString('base64') },
  ];
}
