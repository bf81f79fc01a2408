/**
 * The matter catalogue: what the provincial matter system (省事项系统) knows
 * about matters and 一件事 themes, as Tongban speaks of it.
 *
 * Glossary:
 * - matter 事项: one service a department handles (e.g. 国（境）内出生登记 by 公安局).
 *   Named by its basic code 基本编码 (GB/T 39554.1, 12 characters).
 * - implementation code 实施编码: basic code as implemented by one body
 *   (implementing body's credit code + exercise level + basic code, 31 characters).
 * - exercise level 行使层级: 1 national, 2 province, 3 city (市级), 4 county (县级).
 * - theme 主题 / 一件事: a bundle of matters an applicant gets done at once
 *   (e.g. 婴儿“出生一件事”).
 * - subject type 服务对象: personal 个人 (自然人) or enterprise 法人 (any organisation).
 * - service hall 办理地点: where the theme is handled in person.
 * - material 申请材料: a document the applicant hands in, listed by each matter under its
 *   own code and name (the same document across matters is one material identity,
 *   `mappings/materials.yaml`); some can be supplied by an electronic licence 电子证照
 *   instead of an upload.
 * - 容缺 (deferral): the province lets a material follow after acceptance, within a
 *   period in working days; 告知承诺 (commitment): the applicant's signed commitment,
 *   in the catalogue's words, replaces the proof.
 * - form field 表单字段: one field of the department's own form for the matter.
 * - statutory time limit 法定办结时限 / promised time limit 承诺办结时限: in working days 工作日.
 *
 * The interface is implemented by `adapters/matter-system` and consumed by
 * the catalogue sync (`src/catalog`).
 */
import type { ExerciseLevel, MatterType } from './identifiers/index.js';
import type { FeeItem } from './payment.js';

export type { ExerciseLevel, MatterType } from './identifiers/index.js';

/** Who applies: a person (个人) or an organisation (法人). */
export type SubjectType = 'personal' | 'enterprise';

/** `active` themes are offered; `withdrawn` (已撤销) ones are kept for history and must not be offered. */
export type ThemeStatus = 'active' | 'withdrawn';

/** A 一件事 theme. */
export interface Theme {
  /** Stable theme code, e.g. `MX-T05`. */
  readonly code: string;
  /** Position in the published list (序号), 1-based. */
  readonly sequence: number;
  /** Name as published, e.g. `婴儿“出生一件事”`. */
  readonly name: string;
  readonly subjectType: SubjectType;
  /** 办理地点; empty when the catalogue names none. */
  readonly serviceHall: string;
  /** Theme-level remarks (备注), e.g. `其他涉及事项待条件成熟时再纳入实施`; empty when none. */
  readonly notes: string;
  /** Basic codes of the theme's matters, in the catalogue's order. */
  readonly matterCodes: readonly string[];
  readonly status: ThemeStatus;
  /** Last change in the matter system (ISO 8601, UTC). */
  readonly updatedAt: string;
  /** Increases by one on every change. */
  readonly version: number;
}

/** Whether a material is handed in as the original (原件) or a copy (复印件). */
export type MaterialForm = 'original' | 'copy';

/** 容缺: whether the material may follow after acceptance, and within how many working days. */
export interface MaterialDeferral {
  readonly allowed: boolean;
  /** Working days after acceptance within which it must be supplied; 0 when not allowed. */
  readonly days: number;
}

/** 告知承诺: whether the applicant's commitment may replace the material, and its text. */
export interface MaterialCommitment {
  readonly allowed: boolean;
  /** The commitment the applicant signs, as the catalogue words it; empty when not allowed. */
  readonly text: string;
}

/** Neither 容缺 nor 告知承诺: what a material the matter system sets no flag for gets (and a catalogue stored before the flags existed). */
export const NO_DEFERRAL: MaterialDeferral = Object.freeze({ allowed: false, days: 0 });
export const NO_COMMITMENT: MaterialCommitment = Object.freeze({ allowed: false, text: '' });

/** One application material of a matter, as that matter lists it. */
export interface Material {
  /**
   * The matter's own material code (材料编码), e.g. `000744622000-01`. The same
   * document has a different code in each matter; its identity across matters
   * comes from `mappings/materials.yaml` (by name).
   */
  readonly code: string;
  /** The matter's own name for it, e.g. `申请人居民身份证`. */
  readonly name: string;
  readonly form: MaterialForm;
  readonly required: boolean;
  /** Chinese name of the licence type that can supply it (e.g. `居民身份证`), or undefined. */
  readonly licenceType: string | undefined;
  readonly deferral: MaterialDeferral;
  readonly commitment: MaterialCommitment;
}

/** Types of department form fields. */
export type FormFieldType = 'string' | 'date' | 'enum' | 'number' | 'phone' | 'idNumber' | 'creditCode';

export interface FormFieldOption {
  readonly value: string;
  readonly label: string;
}

/** One field of the department's form for a matter. */
export interface FormField {
  /** The department's own field code, e.g. `sfzhm`. */
  readonly code: string;
  /** Label in Chinese, e.g. `公民身份号码`. */
  readonly label: string;
  readonly type: FormFieldType;
  readonly required: boolean;
  /** Allowed values of an `enum` field (empty for other types). */
  readonly options: readonly FormFieldOption[];
}

/** A matter (事项) as implemented for the catalogue's area. */
export interface Matter {
  /** Basic code 基本编码 (12 characters): the matter's identity in Tongban. */
  readonly code: string;
  /** Implementation code 实施编码 (31 characters). */
  readonly implementationCode: string;
  readonly name: string;
  /** The implementing department: Tongban's department code (mappings/departments.json) and the name as the catalogue spells it. */
  readonly department: { readonly code: string; readonly name: string };
  /** GB/T 39554.1 matter type, e.g. `07` 行政确认. */
  readonly type: MatterType;
  readonly level: ExerciseLevel;
  /** 法定办结时限 (working days). */
  readonly statutoryDays: number;
  /** 承诺办结时限 (working days); normally at most `statutoryDays` (not enforced: the upstream is the authority). */
  readonly promisedDays: number;
  readonly materials: readonly Material[];
  readonly formFields: readonly FormField[];
  /** Matter remarks (备注), e.g. `市级审批`; empty when none. */
  readonly notes: string;
  /** 收费项目 (src/domain/payment.ts); absent or empty: the matter is free. */
  readonly fees?: readonly FeeItem[];
  /** Last change in the matter system (ISO 8601, UTC). */
  readonly updatedAt: string;
  readonly version: number;
}

/** Options of the list operations. */
export interface ListOptions {
  /**
   * Only items whose `updatedAt` is at or after this instant (inclusive, so a
   * watermark equal to the last seen `updatedAt` never misses a change made in
   * the same millisecond; callers de-duplicate by `code` + `version`).
   * A number is epoch milliseconds.
   */
  readonly updatedSince?: Date | number;
}

/**
 * The matter catalogue capability. Every operation throws `UpstreamError`
 * (`src/domain/upstream-error.ts`) when the upstream fails or answers
 * something that does not validate; it never returns unvalidated data and
 * never retries by itself (retry policy belongs to the caller).
 */
export interface MatterCatalog {
  /**
   * All themes (withdrawn ones included, with their status), walking every
   * page; in catalogue order, each code once.
   */
  listThemes(options?: ListOptions): Promise<Theme[]>;
  /** All matters, walking every page; in catalogue order, each code once. */
  listMatters(options?: ListOptions): Promise<Matter[]>;
  /** One theme, or undefined when the matter system does not know the code. */
  getTheme(code: string): Promise<Theme | undefined>;
  /** One matter by basic code, or undefined when unknown. */
  getMatter(code: string): Promise<Matter | undefined>;
}
