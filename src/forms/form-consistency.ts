/**
 * Checks across the fields of one person in a merged form. A resident ID
 * number carries its holder's birth date (digits 7–14) and sex (the parity
 * of digit 17, GB 11643), so a person group (`applicant`, `mother`, …) whose
 * `birthDate` or `sex` disagrees with its own `idNumber` describes nobody:
 * the department would refuse it (不予受理) days later. Intake refuses it at
 * once, naming the field and the ID number it disagrees with.
 *
 * Only groups whose ID number is itself valid are compared (a malformed one
 * is already reported by the schema). The dictionary's person groups share
 * the member names `idNumber`, `birthDate` and `sex` (mappings/dictionary.yaml).
 */
import type { FieldError } from '../errors/index.js';
import { validateIdNumber } from '../domain/identifiers/index.js';

/** 男/女 as licences print it (and the dictionary's `sex` fields hold it), from the ID number's sex. */
export const SEX_LABEL = { male: '男', female: '女' } as const;

/** Every person field of `form` that disagrees with the same person's ID number (pointers prefixed with `pointerPrefix`). */
export function personFieldConflicts(form: Readonly<Record<string, unknown>>, pointerPrefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  for (const [group, members] of Object.entries(form)) {
    if (typeof members !== 'object' || members === null || Array.isArray(members)) continue;
    const person = members as Record<string, unknown>;
    if (typeof person['idNumber'] !== 'string') continue;
    const checked = validateIdNumber(person['idNumber']);
    if (!checked.ok) continue;
    const idPointer = `${pointerPrefix}/${group}/idNumber`;
    const { birthDate, sex } = checked;
    if (typeof person['birthDate'] === 'string' && person['birthDate'] !== birthDate) {
      errors.push({ pointer: `${pointerPrefix}/${group}/birthDate`, message: `disagrees with the ID number at ${idPointer}, which gives the birth date ${birthDate}` });
    }
    if (typeof person['sex'] === 'string' && person['sex'] !== SEX_LABEL[sex]) {
      errors.push({ pointer: `${pointerPrefix}/${group}/sex`, message: `disagrees with the ID number at ${idPointer}, whose 17th digit gives ${SEX_LABEL[sex]}` });
    }
  }
  return errors;
}
