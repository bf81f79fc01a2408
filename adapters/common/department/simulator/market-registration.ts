/**
 * What a simulated 市场监督管理局 answers when it completes the matters of
 * 我要开办食品经营 (MX-T15) whose results are licences the gateway issues into
 * the library (docs/licence-issuance.md):
 * - 个体工商户设立 (002051083000): the 统一社会信用代码 it assigns (GB 32100,
 *   登记管理部门 9 工商, 机构类别 2 个体工商户, 梅县区, an `MA…` body with its
 *   GB 11714 check), the registered 经营场所 and 经营范围, and the
 *   营业执照 as the result document. The code comes first: the permits that
 *   wait for the registration receive the first result value (`resultAs:
 *   enterprise.creditCode`). The 名称 is the one the applicant declared
 *   (名称自主申报) on the application: this form carries only the 字号.
 * - 食品经营许可证核发 (000174471000): the 许可证编号 (`JY`, the 主体业态 digit,
 *   the area code, a 6-digit serial and a check digit), the holder's
 *   社会信用代码 and 经营者名称 as the form gave them (the code is the
 *   registration's result), the 日常监督管理机构, and the 食品经营许可证.
 */
import { makeCreditCode } from '../../../../src/domain/identifiers/index.js';
import type { DepartmentResult, SubApplicationDelivery } from '../../../../src/domain/department-channel.js';
import { withLuhn } from '../../population/index.js';
import { resultPdf } from './result-documents.js';
import { ResultValues } from './result-values.js';

/** The matter code of 个体工商户设立. */
export const BUSINESS_REGISTRATION_MATTER = '002051083000';
/** The matter code of 食品经营许可证核发. */
export const FOOD_LICENCE_MATTER = '000174471000';

/** 梅州市梅县区, where the simulated 市场监督管理局 registers. */
const AREA = '441403';
/** Characters of the organisation body of a credit code (GB 32100 without I, O, S, V, Z). */
const BODY_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** The 市场监督管理所 that supervises the simulated food businesses day to day. */
const SUPERVISING_OFFICE = '梅州市梅县区市场监督管理局程江市场监督管理所';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The results of a completed 个体工商户设立, or undefined when the form names no 经营者. */
export function businessRegistrationResults(delivery: SubApplicationDelivery): DepartmentResult[] | undefined {
  const form = delivery.form as Record<string, unknown>;
  const operator = text(form['jyzxm']);
  if (!operator) return undefined;
  const values = new ResultValues(delivery.subApplicationId);
  // Registered since the 2016 reform: the body is MA + 6 characters, and makeCreditCode appends both check characters.
  const creditCode = makeCreditCode({ registrationAuthority: '9', category: '2', areaCode: AREA, organizationCode: `MA${values.characters(BODY_ALPHABET, 6)}` });
  const premises = text(form['jycs']);
  const scope = text(form['jyfw']);
  return [
    { name: '统一社会信用代码', value: creditCode },
    ...(premises ? [{ name: '经营场所', value: premises }] : []),
    ...(scope ? [{ name: '经营范围', value: scope }] : []),
    { name: '营业执照', documentBase64: resultPdf(['Business licence (yingye zhizhao), individual business', `Unified social credit code: ${creditCode}`, `Sub-application: ${delivery.subApplicationId}`]).toString('base64') },
  ];
}

/** The results of a completed 食品经营许可证核发, or undefined when the form carries no 统一社会信用代码 (the registration's result). */
export function foodLicenceResults(delivery: SubApplicationDelivery): DepartmentResult[] | undefined {
  const form = delivery.form as Record<string, unknown>;
  const creditCode = text(form['tyshxydm']);
  if (!creditCode) return undefined;
  const values = new ResultValues(delivery.subApplicationId);
  // 主体业态 as the form codes it: 1 食品销售经营者, 2 餐饮服务经营者, 3 单位食堂. The check digit is the simulator's (Luhn).
  const format = ['1', '2', '3'].includes(String(form['ztyt'])) ? String(form['ztyt']) : '1';
  const number = `JY${withLuhn(`${format}${AREA}${values.digits(6)}`)}`;
  const name = text(form['qymc']);
  return [
    { name: '许可证编号', value: number },
    { name: '社会信用代码', value: creditCode },
    ...(name ? [{ name: '经营者名称', value: name }] : []),
    { name: '日常监督管理机构', value: SUPERVISING_OFFICE },
    { name: '食品经营许可证', documentBase64: resultPdf(['Food business licence (shipin jingying xukezheng)', `Licence number: ${number}`, `Credit code: ${creditCode}`]).toString('base64') },
  ];
}
