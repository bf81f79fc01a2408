/**
 * Who applies for a theme: a person (个人, 自然人) or an organisation (法人:
 * enterprises, units, institutions, associations). The seed table does not
 * say, so it is inferred from the theme name by this keyword table; a theme
 * whose name matches no keyword is personal.
 */
import type { SubjectType } from '../../../src/domain/matter-catalog.js';

/** Keywords that make a theme an organisation's (法人) theme, checked in order. */
export const ENTERPRISE_THEME_KEYWORDS: readonly string[] = [
  '企业', '公司', '开办', '纳税人', '单位', '公积金缴存', '见习补贴', '工程', '广告', '物业',
  '校车', '机构', '团体', '特种设备', '建筑材料', '野生动物',
];

/** The default when no keyword matches. */
export const DEFAULT_SUBJECT_TYPE: SubjectType = 'personal';

/** Subject type of a theme, by name. */
export function subjectTypeOfTheme(themeName: string): SubjectType {
  return ENTERPRISE_THEME_KEYWORDS.some((keyword) => themeName.includes(keyword)) ? 'enterprise' : DEFAULT_SUBJECT_TYPE;
}
