/**
 * What a simulated 公安 answers when it completes 国（境）内出生登记
 * (000744622000): the newborn's 公民身份号码 (assigned here from the birth
 * date and sex on the form), the household the child joins — the mother's,
 * as the synthetic population knows it (户号, 户主, 籍贯, 住址) — and the
 * child's 居民户口簿 page as the result document. The gateway issues that
 * page into the licence library (docs/licence-issuance.md).
 */
import { createHash } from 'node:crypto';
import { makeIdNumber } from '../../../../src/domain/identifiers/index.js';
import type { DepartmentResult, SubApplicationDelivery } from '../../../../src/domain/department-channel.js';
import type { Population } from '../../population/index.js';
import { resultPdf } from './result-documents.js';

/** The matter code of 国（境）内出生登记. */
export const BIRTH_REGISTRATION_MATTER = '000744622000';

/**
 * The results of a completed birth registration, or undefined when the form lacks the birth date or sex.
 * @param population the synthetic province: the mother's household, when she is in it.
 */
export function birthRegistrationResults(delivery: SubApplicationDelivery, population: Population | undefined): DepartmentResult[] | undefined {
  const form = delivery.form as Record<string, unknown>;
  const birth = String(form['csrq'] ?? '');
  const sex = String(form['xsexb'] ?? '');
  if (!/^\d{8}$/.test(birth) || (sex !== '1' && sex !== '2')) return undefined;
  const birthDate = `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`;
  const mother = population?.persons.find((person) => person.idNumber === form['mqsfzhm']);
  const head = mother ? population!.persons.find((person) => person.householdNumber === mother.householdNumber && person.relation === '户主') : undefined;
  // A stable sequence per sub-application, odd for a boy and even for a girl (GB 11643).
  const hash = createHash('sha256').update(delivery.subApplicationId).digest().readUInt16BE(0) % 450;
  const idNumber = makeIdNumber({ areaCode: '441403', birthDate, sequence: hash * 2 + (sex === '1' ? 1 : 0) + 100 });
  const name = String(form['xsexm'] ?? '');
  // The child of the head or the head's spouse; a grandchild when the mother is the head's daughter or daughter-in-law.
  const childOfHead = !mother || ['户主', '妻', '夫', '配偶'].includes(mother.relation);
  const results: DepartmentResult[] = [
    { name: '公民身份号码', value: idNumber },
    { name: '户号', value: mother?.householdNumber ?? String(100_000_000 + hash * 1_000) },
    { name: '户主姓名', value: head?.name ?? String(form['mqxm'] ?? '') },
    { name: '与户主关系', value: childOfHead ? (sex === '1' ? '子' : '女') : (sex === '1' ? '孙子' : '孙女') },
    { name: '民族', value: mother?.ethnicity ?? '汉族' },
    { name: '籍贯', value: '广东省梅州市' },
    ...(mother ? [{ name: '住址', value: mother.address }] : []),
    { name: '居民户口簿', documentBase64: resultPdf(['Household register page (changzhu renkou dengji ka)', `Citizen ID number: ${idNumber}`, `Date of birth: ${birthDate}`, `Household number: ${mother?.householdNumber ?? '-'}`]).toString('base64') },
  ];
  return name === '' ? undefined : results;
}
