/**
 * Wire theme → Tongban `Theme`. Translation tables with explicit defaults.
 */
import { validateBasicCode } from '../../src/domain/identifiers/index.js';
import type { SubjectType, Theme, ThemeStatus } from '../../src/domain/matter-catalog.js';
import type { WireTheme } from './matter-system-api.js';
import { WireValueError } from './matter-system-error.js';

/**
 * `serviceObject` 服务对象. No default: offering a theme to the wrong kind of
 * applicant is worse than not syncing it, so an unknown code is a malformed answer.
 */
export const SUBJECT_TYPES: Readonly<Record<string, SubjectType>> = { 1: 'personal', 2: 'enterprise' };

/** `status`. */
export const THEME_STATUSES: Readonly<Record<string, ThemeStatus>> = { 1: 'active', 2: 'withdrawn' };
/** An unknown status is treated as withdrawn: a theme Tongban does not understand must not be offered. */
export const DEFAULT_THEME_STATUS: ThemeStatus = 'withdrawn';

/** @throws WireValueError naming the field at fault. */
export function mapTheme(wire: WireTheme): Theme {
  const subjectType = Object.hasOwn(SUBJECT_TYPES, wire.serviceObject) ? SUBJECT_TYPES[wire.serviceObject]! : undefined;
  if (!subjectType) throw new WireValueError('/serviceObject', `unknown service object "${wire.serviceObject}"`);
  const status = Object.hasOwn(THEME_STATUSES, wire.status) ? THEME_STATUSES[wire.status]! : DEFAULT_THEME_STATUS;

  const seen = new Set<string>();
  wire.matters.forEach((matter, index) => {
    const check = validateBasicCode(matter.catalogCode);
    if (!check.ok) throw new WireValueError(`/matters/${index}/catalogCode`, check.reason);
    if (seen.has(matter.catalogCode)) throw new WireValueError(`/matters/${index}/catalogCode`, `"${matter.catalogCode}" is listed twice`);
    seen.add(matter.catalogCode);
  });
  // The upstream orders by `sort`, not by array position; a stable sort keeps ties in array order.
  const matterCodes = [...wire.matters].sort((a, b) => a.sort - b.sort).map((matter) => matter.catalogCode);

  return {
    code: wire.themeCode,
    sequence: wire.seqNo,
    name: wire.themeName,
    subjectType,
    serviceHall: wire.handleAddress,
    notes: wire.remark,
    matterCodes,
    status,
    updatedAt: toIso(wire.updateTime, '/updateTime'),
    version: wire.version,
  };
}

/** Epoch ms → ISO 8601 (UTC). */
export function toIso(epochMs: number, pointer: string): string {
  const date = new Date(epochMs);
  if (Number.isNaN(date.getTime())) throw new WireValueError(pointer, `${epochMs} is not a time`);
  return date.toISOString();
}
