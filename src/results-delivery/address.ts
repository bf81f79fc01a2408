/**
 * A postal address as applicants give it (`{recipient, mobile, province,
 * city, county, detail, postcode?}`): read with the text rules, each member
 * at fault named; masked wherever it is shown back.
 */
import type { FieldError } from '../errors/index.js';
import { readTextMember } from '../forms/text-rules.js';
import type { Address } from '../domain/logistics.js';
import { maskName, redactText } from '../log/redact.js';

/** The longest name, place and detail (characters); the carrier takes 200 for `address`. */
const LIMITS = { recipient: 30, province: 30, city: 30, county: 30, detail: 120 } as const;
const MEMBERS = ['recipient', 'mobile', 'province', 'city', 'county', 'detail', 'postcode'];

/**
 * Reads an address member; pushes one error per member at fault (`pointer` + `/recipient`, …).
 * @param nameMember the member naming the person: `recipient` (results posted to the applicant) or `name` (the sender of posted-in originals).
 */
export function readAddress(value: unknown, pointer: string, errors: FieldError[], nameMember: 'recipient' | 'name' = 'recipient'): Address | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ pointer, message: `must be an address {${nameMember}, mobile, province, city, county, detail, postcode?}` });
    return undefined;
  }
  const fields = value as Record<string, unknown>;
  const before = errors.length;
  for (const member of Object.keys(fields)) {
    if (![...MEMBERS.filter((name) => name !== 'recipient'), nameMember].includes(member)) errors.push({ pointer: `${pointer}/${member}`, message: 'is not an address member' });
  }
  const read = (member: keyof typeof LIMITS, as: string = member): string | undefined => {
    if (fields[as] === undefined) {
      errors.push({ pointer: `${pointer}/${as}`, message: `is required (1–${LIMITS[member]} characters)` });
      return undefined;
    }
    return readTextMember(fields[as], `${pointer}/${as}`, errors, { maxLength: LIMITS[member], noMarkup: true });
  };
  const name = read('recipient', nameMember);
  const mobile = fields['mobile'];
  if (typeof mobile !== 'string' || !/^1\d{10}$/.test(mobile)) errors.push({ pointer: `${pointer}/mobile`, message: 'must be a mainland mobile number: 11 digits starting with 1' });
  const province = read('province');
  const city = read('city');
  const county = read('county');
  const detail = read('detail');
  const postcode = fields['postcode'];
  if (postcode !== undefined && (typeof postcode !== 'string' || !/^\d{6}$/.test(postcode))) errors.push({ pointer: `${pointer}/postcode`, message: 'must be six digits' });
  if (errors.length > before) return undefined;
  return { name: name!, mobile: mobile as string, province: province!, city: city!, county: county!, address: detail!, ...(typeof postcode === 'string' ? { postcode } : {}) };
}

/** Shown back (view, events, logs): the name's first character, the mobile's 3 + 4 digits, the place without the street detail. */
export function maskAddress(address: Address): Record<string, string> {
  return {
    name: maskName(address.name),
    mobile: redactText(address.mobile),
    province: address.province, city: address.city, county: address.county, detail: '****',
  };
}
