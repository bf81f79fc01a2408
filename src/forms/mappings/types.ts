/**
 * The mapping model (docs/mappings.md), as loaded and validated.
 *
 * Glossary: canonical field 标准数据项 (`applicant.idNumber`), merged form 一表
 * (the union of canonical fields a theme's applicable matters need), prefill
 * 预填 (licence → canonical), split 拆分 (canonical → each department's form),
 * subject 主体角色 (the role a licence is fetched for: applicant, mother …),
 * prerequisite matter 前置事项.
 */
import type { MaterialMediaType } from '../../domain/materials.js';
import type { JsonLogic } from '../json-logic.js';
import type { CodeTables } from '../transforms.js';

export type CanonicalType = 'string' | 'date' | 'integer' | 'number' | 'boolean';
export type CanonicalFormat = 'idNumber' | 'creditCode' | 'organizationCode' | 'licenceIdentifier' | 'areaCode' | 'phone';

/** One canonical field of the data dictionary. */
export interface FieldSpec {
  readonly type: CanonicalType;
  readonly label: string;
  readonly format?: CanonicalFormat;
  readonly enum?: readonly (string | number)[];
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface LicenceFieldMapping {
  readonly surface: string;
  /** `group.member`, or `$subject.member` bound by the matter to a role. */
  readonly canonical: string;
  readonly transform?: string;
}

export interface LicenceMapping {
  readonly file: string;
  readonly licenceType: string;
  readonly name: string;
  readonly holderType: 'citizen' | 'organization';
  readonly fields: readonly LicenceFieldMapping[];
}

/** A shared-data resource's fields → canonical fields (`mappings/shared-data/<resource>.yaml`, docs/shared-data.md). */
export interface SharedDataMapping {
  readonly file: string;
  /** Resource key (`marriageRegistration`, …; SHARED_RESOURCES). */
  readonly resource: string;
  readonly name: string;
  /** `surface`: the resource's wire field (`HYZK`). */
  readonly fields: readonly LicenceFieldMapping[];
}

/** A shared-data resource a matter reads, and whose. */
export interface SharedDataUse {
  readonly resource: string;
  readonly subject: string;
}

/** A statement a matter requires to hold at intake (在线核验): the subject's record of the resource has these values. */
export interface SharedDataVerification {
  readonly resource: string;
  /** Whose record: the subject's `idNumber` in the submitted form is the holder. */
  readonly subject: string;
  /** Resource field → the value required (e.g. `{CBZT: 参保缴费, CBDQ: 梅州市}`). */
  readonly claims: Readonly<Record<string, string>>;
}

export interface LicenceUse {
  readonly licenceType: string;
  /** The role whose licence it is (a dictionary group). */
  readonly subject: string;
}

export interface MatterFieldMapping {
  /** The department form's field code. */
  readonly field: string;
  readonly canonical: string;
  /** Canonical → department value. */
  readonly transform?: string;
}

/**
 * A department field whose value the matter itself fixes (签注种类 探亲 for a
 * 探亲签注): written into every department form of the matter, never asked of
 * the applicant, its provenance `matter`.
 */
export interface MatterConstant {
  /** The department form's field code. */
  readonly field: string;
  /** The value in canonical terms (as the dictionary would hold it), before `transform`. */
  readonly value: string | number | boolean;
  readonly transform?: string;
  /** `value` through `transform`, converted once when the mappings are loaded: what the department form gets. */
  readonly departmentValue: unknown;
}

export interface MatterMapping {
  readonly file: string;
  readonly matter: string;
  readonly name: string;
  readonly department: string;
  readonly licences: readonly LicenceUse[];
  readonly fields: readonly MatterFieldMapping[];
  /** Fields the matter fixes (`constants:` in its file). */
  readonly constants: readonly MatterConstant[];
  /** Material identity (`CL001`) → the licence that supplies it in this matter, and whose. */
  readonly materials: ReadonlyMap<string, LicenceUse>;
  /** Shared-data resources whose records fill the matter's fields (`sharedData:`); absent = none. */
  readonly sharedData?: readonly SharedDataUse[];
  /** Statements verified through the data-sharing exchange before intake (`verifications:`); absent = none. */
  readonly verifications?: readonly SharedDataVerification[];
  /** The matter's own material code → its identity, where the name alone does not settle it (`materialIdentities:`). */
  readonly materialIdentities: ReadonlyMap<string, string>;
  /** The matter's result is a licence Tongban issues into the library (`issues:`, docs/licence-issuance.md). */
  readonly issues?: IssuanceDeclaration;
}

/**
 * One source of an issued licence's value: a canonical field of the application, a result by name, a constant, the completion
 * date, or the last day of validity (`validYears`; 长期 without it) for a surface that prints it (有效期至).
 */
export type IssuanceSource = { readonly canonical: string } | { readonly result: string } | { readonly value: string } | { readonly completedOn: true } | { readonly validUntil: true };

/** `issues:` of a matter mapping. A list of sources: the first that has a value. */
export interface IssuanceDeclaration {
  /** Licence type key (mappings/licences, src/domain/licence-library.ts LICENCE_TYPES). */
  readonly licenceType: string;
  readonly issuer: { readonly name: string; readonly creditCode: string; readonly areaCode: string };
  readonly holder: { readonly code: IssuanceSource | readonly IssuanceSource[]; readonly name: IssuanceSource | readonly IssuanceSource[] };
  readonly number: IssuanceSource | readonly IssuanceSource[];
  /** Name of the result whose sealed document is the licence file. */
  readonly file: string;
  /** Years of validity from completion; absent = 长期. */
  readonly validYears?: number;
  readonly surface: Readonly<Record<string, IssuanceSource | readonly IssuanceSource[]>>;
}

/** Media types a material file may have when its identity does not narrow them. */
export const ALL_MATERIAL_MEDIA_TYPES: readonly MaterialMediaType[] = ['application/pdf', 'application/ofd', 'image/jpeg', 'image/png'];

/** One document across matters (`mappings/materials.yaml`). */
export interface MaterialIdentity {
  readonly file: string;
  /** `CL001`. */
  readonly code: string;
  /** Canonical name, e.g. `居民身份证`. */
  readonly name: string;
  /** Every name a matter lists it under (居民身份证, 申请人居民身份证, 身份证). */
  readonly names: readonly string[];
  /** The licence-type key (mappings/licences) whose licence stands for it, if any. */
  readonly licenceType?: string;
  /** `application-form`: Tongban renders the matter's department form as a PDF; nothing is asked of the applicant. */
  readonly generated?: 'application-form';
  /** The matters whose result is this document, and the name the result goes by. */
  readonly prerequisiteResult?: { readonly resultName: string; readonly matters: readonly string[] };
  /** Media types a file of it may have (all four unless narrowed). */
  readonly mediaTypes: readonly MaterialMediaType[];
}

export interface Question {
  readonly id: string;
  readonly label: string;
  readonly type: 'boolean' | 'enum' | 'integer';
  readonly options?: readonly { readonly value: string; readonly label: string }[];
  readonly default?: boolean | string | number;
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface ThemeMatter {
  readonly code: string;
  readonly when?: JsonLogic;
  /** 前置事项: matters whose result this one waits for. */
  readonly after: readonly string[];
  /** Canonical field the prerequisite's result fills (e.g. the new licence's identifier). */
  readonly resultAs?: string;
}

/**
 * One case of a subject that is another of the theme's subjects (`sameAs:` in the theme file): under the
 * answers `when` holds for, e.g. the 监护人 is the mother. Such a subject has no holder of its own: its licence
 * uses are the other subject's, whose licences fill its fields too.
 */
export interface SameAs {
  readonly subject: string;
  readonly when?: JsonLogic;
}

export interface ThemeMapping {
  readonly file: string;
  readonly theme: string;
  readonly name: string;
  readonly subjects: readonly string[];
  readonly questions: readonly Question[];
  readonly matters: readonly ThemeMatter[];
  /** Subject → the subjects it may be, first case that holds wins (none: the subject is itself). */
  readonly sameAs: ReadonlyMap<string, readonly SameAs[]>;
}

export interface Mappings {
  readonly dictionary: ReadonlyMap<string, FieldSpec>;
  /** Dictionary groups (the part before the dot), i.e. the roles. */
  readonly groups: ReadonlySet<string>;
  readonly codeTables: CodeTables;
  readonly licences: ReadonlyMap<string, LicenceMapping>;
  /** Shared-data resource key → its mapping (`mappings/shared-data/`); absent = none. */
  readonly sharedData?: ReadonlyMap<string, SharedDataMapping>;
  readonly matters: ReadonlyMap<string, MatterMapping>;
  readonly themes: ReadonlyMap<string, ThemeMapping>;
  /** Material identities by code (`mappings/materials.yaml`). */
  readonly materials: ReadonlyMap<string, MaterialIdentity>;
  /** A material name → the identities listing it (two or more: ambiguous, settled per matter). */
  readonly materialNames: ReadonlyMap<string, readonly string[]>;
}

/** One problem found in a mapping file. */
export interface MappingProblem {
  /** Path relative to the project root, e.g. `mappings/matters/000712345000.yaml`. */
  readonly file: string;
  /** JSON Pointer into the file's content. */
  readonly pointer: string;
  readonly message: string;
}

export class MappingError extends Error {
  override readonly name = 'MappingError';
  constructor(readonly problems: readonly MappingProblem[]) {
    super(`${problems.length} problem(s) in mappings:\n${problems.map((p) => `  ${p.file}#${p.pointer}: ${p.message}`).join('\n')}`);
  }
}
