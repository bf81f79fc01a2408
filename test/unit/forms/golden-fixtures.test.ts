/**
 * Golden fixtures (docs/mappings.md): one table-driven test walks
 * `mappings/fixtures/licences/*.yaml` and `mappings/fixtures/shared-data/*.yaml`
 * (surface or shared-data record → canonical, the prefill direction) and `mappings/fixtures/matters/*.yaml` (canonical → department
 * form, through the real split), and fails when a licence or matter mapping
 * has no fixtures file, or a fixtures file names no mapping.
 */
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { loadDepartments } from '../../../src/delivery/department-registry.js';
import { mergedFormSchema, setField, validateForm, type MergedField } from '../../../src/forms/form-schema.js';
import { loadMappings, MAPPINGS_DIR, type LicenceMapping, type Mappings, type MatterMapping } from '../../../src/forms/mappings/index.js';
import { yamlFiles } from '../../../src/forms/mappings/read-files.js';
import { splitForm } from '../../../src/forms/split.js';
import type { ThemeContext } from '../../../src/forms/theme-context.js';
import { resolveTransform } from '../../../src/forms/transforms.js';

type Flat = Record<string, unknown>;
interface LicenceCase { subject: string; surface: Flat; expected: Flat }
interface MatterCase { canonical: Flat; expected: Flat }

/** One golden case, ready to run. */
interface GoldenCase {
  readonly title: string;
  /** Problems with the case itself (shape, unknown fields, values the dictionary refuses). */
  readonly problems: string[];
  run(): { actual: Flat; expected: Flat };
}

const isObject = (value: unknown): value is Flat => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Licence mapping applied the way prefill applies it: `$subject` bound, transforms from the registry, empty values skipped. */
function applyLicenceMapping(mapping: Pick<LicenceMapping, 'fields'>, subject: string, surface: Flat, mappings: Mappings): Flat {
  const result: Flat = {};
  for (const field of mapping.fields) {
    const raw = surface[field.surface];
    if (raw === undefined || raw === '') continue;
    const canonical = field.canonical.replace('$subject.', `${subject}.`);
    result[canonical] = field.transform ? resolveTransform(field.transform, mappings.codeTables)!(raw) : raw;
  }
  return result;
}

/** A matter mapping applied through the real split (canonical → department field codes and formats). */
function applyMatterMapping(mapping: MatterMapping, canonical: Flat, mappings: Mappings): Flat {
  const form: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(canonical)) setField(form, key, value);
  // split reads only the matter mappings of its context.
  const context = { matterMappings: new Map([[mapping.matter, mapping]]) } as Pick<ThemeContext, 'matterMappings'> as ThemeContext;
  const [departmentForm] = splitForm(context, [mapping.matter], form, {}, mappings);
  return departmentForm!.fields;
}

/** Canonical values the dictionary refuses (unknown field, wrong type, enum, format — the merged-form schema's checks). */
function dictionaryProblems(values: Flat, mappings: Mappings, where: string): string[] {
  const unknown = Object.keys(values).filter((key) => !mappings.dictionary.has(key));
  const fields: MergedField[] = Object.keys(values).filter((key) => mappings.dictionary.has(key))
    .map((key) => ({ canonical: key, spec: mappings.dictionary.get(key)!, required: false }));
  const form: Record<string, Record<string, unknown>> = {};
  for (const field of fields) setField(form, field.canonical, values[field.canonical]);
  return [
    ...unknown.map((key) => `${where}: "${key}" is not a canonical field of the dictionary`),
    ...validateForm(mergedFormSchema(fields, 'golden case'), form).map((error) => `${where}: ${error.pointer.slice(1).replace('/', '.')} ${error.message}`),
  ];
}

function shapeProblems(file: string, content: unknown, keys: readonly string[]): string[] {
  if (!isObject(content) || !Array.isArray(content['cases']) || content['cases'].length === 0) return [`${file}: must be {cases: [ … ]} with at least one case`];
  return (content['cases'] as unknown[]).flatMap((item, index) => {
    if (!isObject(item)) return [`${file}#/cases/${index}: must be an object`];
    return [
      ...keys.filter((key) => key !== 'subject' && !isObject(item[key])).map((key) => `${file}#/cases/${index}/${key}: must be an object`),
      ...(keys.includes('subject') && typeof item['subject'] !== 'string' ? [`${file}#/cases/${index}/subject: must be a role`] : []),
      ...Object.keys(item).filter((key) => !keys.includes(key)).map((key) => `${file}#/cases/${index}/${key}: unknown member`),
    ];
  });
}

const fixtureFile = (kind: 'licences' | 'matters' | 'shared-data', stem: string) => `mappings/fixtures/${kind}/${stem}.yaml`;
const stems = (dir: string) => yamlFiles(dir).map((path) => basename(path, '.yaml'));

/** Mappings without fixtures, fixtures without mappings, mapped fields no case exercises. */
function coverageProblems(dir: string, mappings: Mappings): string[] {
  const problems: string[] = [];
  for (const kind of ['licences', 'matters', 'shared-data'] as const) {
    const mapped = new Set(kind === 'licences' ? mappings.licences.keys() : kind === 'matters' ? mappings.matters.keys() : mappings.sharedData?.keys() ?? []);
    const fixtures = new Set(stems(join(dir, 'fixtures', kind)));
    for (const stem of mapped) if (!fixtures.has(stem)) problems.push(`mappings/${kind}/${stem}.yaml has no golden fixtures (${fixtureFile(kind, stem)})`);
    for (const stem of fixtures) if (!mapped.has(stem)) problems.push(`${fixtureFile(kind, stem)} names no mapping (mappings/${kind}/${stem}.yaml does not exist)`);
  }
  return problems;
}

/** Every case of every fixtures file whose mapping exists. */
function goldenCases(dir: string, mappings: Mappings): GoldenCase[] {
  const cases: GoldenCase[] = [];
  const surfaceFixtures = [
    ...yamlFiles(join(dir, 'fixtures', 'licences')).map((path) => ({ path, kind: 'licences' as const, mapping: mappings.licences.get(basename(path, '.yaml')) })),
    ...yamlFiles(join(dir, 'fixtures', 'shared-data')).map((path) => ({ path, kind: 'shared-data' as const, mapping: mappings.sharedData?.get(basename(path, '.yaml')) })),
  ];
  for (const { path, kind, mapping } of surfaceFixtures) {
    const stem = basename(path, '.yaml');
    if (!mapping) continue;
    const file = fixtureFile(kind, stem);
    const content = parse(readFileSync(path, 'utf8')) as { cases: LicenceCase[] };
    const shape = shapeProblems(file, content, ['subject', 'surface', 'expected']);
    if (shape.length > 0) {
      cases.push({ title: file, problems: shape, run: () => ({ actual: {}, expected: {} }) });
      continue;
    }
    content.cases.forEach((testCase, index) => {
      const where = `${file}#/cases/${index}`;
      const problems = [
        ...(mappings.groups.has(testCase.subject) ? [] : [`${where}/subject: "${testCase.subject}" is not a role (no dictionary group)`]),
        ...Object.keys(testCase.surface).filter((key) => typeof testCase.surface[key] !== 'string').map((key) => `${where}/surface/${key}: surface values are text`),
        ...dictionaryProblems(testCase.expected, mappings, `${where}/expected`),
      ];
      cases.push({
        title: `${kind === 'licences' ? 'licence' : 'shared data'} ${stem} (${mapping.name}) #${index} as ${testCase.subject}`, problems,
        run: () => ({ actual: applyLicenceMapping(mapping, testCase.subject, testCase.surface, mappings), expected: testCase.expected }),
      });
    });
  }
  for (const path of yamlFiles(join(dir, 'fixtures', 'matters'))) {
    const stem = basename(path, '.yaml');
    const mapping = mappings.matters.get(stem);
    if (!mapping) continue;
    const file = fixtureFile('matters', stem);
    const content = parse(readFileSync(path, 'utf8')) as { cases: MatterCase[] };
    const shape = shapeProblems(file, content, ['canonical', 'expected']);
    if (shape.length > 0) {
      cases.push({ title: file, problems: shape, run: () => ({ actual: {}, expected: {} }) });
      continue;
    }
    content.cases.forEach((testCase, index) => {
      const problems = dictionaryProblems(testCase.canonical, mappings, `${file}#/cases/${index}/canonical`);
      cases.push({
        title: `matter ${stem} (${mapping.name}) #${index}`, problems,
        run: () => ({ actual: applyMatterMapping(mapping, testCase.canonical, mappings), expected: testCase.expected }),
      });
    });
  }
  return cases;
}

/** Mapped fields that no golden case exercises (a surface key no case has; a department field no case expects). */
function untestedFields(dir: string, mappings: Mappings): string[] {
  const problems: string[] = [];
  const load = <T>(kind: string, stem: string) => (parse(readFileSync(join(dir, 'fixtures', kind, `${stem}.yaml`), 'utf8')) as { cases?: T[] }).cases ?? [];
  for (const mapping of mappings.licences.values()) {
    if (!stems(join(dir, 'fixtures', 'licences')).includes(mapping.licenceType)) continue;
    const seen = new Set(load<LicenceCase>('licences', mapping.licenceType).flatMap((item) => Object.keys(item.surface ?? {})));
    for (const field of mapping.fields) if (!seen.has(field.surface)) problems.push(`${mapping.file}: surface field ${field.surface} appears in no golden case`);
  }
  for (const mapping of mappings.sharedData?.values() ?? []) {
    if (!stems(join(dir, 'fixtures', 'shared-data')).includes(mapping.resource)) continue;
    const seen = new Set(load<LicenceCase>('shared-data', mapping.resource).flatMap((item) => Object.keys(item.surface ?? {})));
    for (const field of mapping.fields) if (!seen.has(field.surface)) problems.push(`${mapping.file}: field ${field.surface} appears in no golden case`);
  }
  for (const mapping of mappings.matters.values()) {
    if (!stems(join(dir, 'fixtures', 'matters')).includes(mapping.matter)) continue;
    const seen = new Set(load<MatterCase>('matters', mapping.matter).flatMap((item) => Object.keys(item.expected ?? {})));
    for (const field of mapping.fields) if (!seen.has(field.field)) problems.push(`${mapping.file}: department field ${field.field} appears in no golden case`);
  }
  return problems;
}

const departments = loadDepartments();
const realMappings = loadMappings({ departments });

describe('golden fixtures of the mappings', () => {
  it('every licence and matter mapping has a fixtures file, and every fixtures file names a mapping', () => {
    expect(coverageProblems(MAPPINGS_DIR, realMappings)).to.deep.equal([]);
  });

  it('every mapped field is exercised by some golden case', () => {
    expect(untestedFields(MAPPINGS_DIR, realMappings)).to.deep.equal([]);
  });

  const cases = goldenCases(MAPPINGS_DIR, realMappings);
  it('walks every licence and matter mapping', () => {
    expect(cases.filter((item) => item.title.startsWith('licence ')).length).to.be.at.least(realMappings.licences.size);
    expect(cases.filter((item) => item.title.startsWith('matter ')).length).to.be.at.least(realMappings.matters.size);
    expect(cases.filter((item) => item.title.startsWith('shared data ')).length).to.be.at.least(realMappings.sharedData?.size ?? 0);
  });

  for (const testCase of cases) {
    it(testCase.title, () => {
      expect(testCase.problems).to.deep.equal([]);
      const { actual, expected } = testCase.run();
      expect(actual).to.deep.equal(expected);
    });
  }

  describe('the walk itself fails when it should', () => {
    let dir: string;
    before(() => {
      dir = join(mkdtempSync(join(tmpdir(), 'tongban-golden-')), 'mappings');
      cpSync(MAPPINGS_DIR, dir, { recursive: true });
    });
    after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

    it('names a mapping without fixtures and a fixtures file without a mapping', () => {
      rmSync(join(dir, 'fixtures', 'licences', 'residentIdCard.yaml'));
      rmSync(join(dir, 'fixtures', 'matters', '000744622000.yaml'));
      writeFileSync(join(dir, 'fixtures', 'matters', '000199999990.yaml'), 'cases:\n  - canonical: { applicant.name: 张三 }\n    expected: { xm: 张三 }\n');
      const mappings = loadMappings({ dir, departments });
      expect(coverageProblems(dir, mappings)).to.deep.equal([
        'mappings/licences/residentIdCard.yaml has no golden fixtures (mappings/fixtures/licences/residentIdCard.yaml)',
        'mappings/matters/000744622000.yaml has no golden fixtures (mappings/fixtures/matters/000744622000.yaml)',
        'mappings/fixtures/matters/000199999990.yaml names no mapping (mappings/matters/000199999990.yaml does not exist)',
      ]);
    });

    it('catches a mapping that no longer gives the expected value, and expected values the dictionary refuses', () => {
      // The mapping changes: 性别 now goes through the GB/T 2261 table on the ID card (男 → "1").
      const idCard = join(dir, 'licences', 'residentIdCard.yaml');
      writeFileSync(idCard, readFileSync(idCard, 'utf8').replace('XB:     { canonical: $subject.sex }', 'XB:     { canonical: $subject.sex, transform: "code:sex-gb2261" }'));
      writeFileSync(join(dir, 'fixtures', 'licences', 'residentIdCard.yaml'),
        'cases:\n  - subject: applicant\n    surface: { XM: 潘辉, XB: 男, GMSFHM: "440106199512011851" }\n    expected: { applicant.name: 潘辉, applicant.sex: 男, applicant.idNumber: "440106199512011851" }\n'
        + '  - subject: applicant\n    surface: { XM: 潘辉 }\n    expected: { applicant.name: 潘辉, applicant.idNumber: "440106199512011850" }\n');
      const mappings = loadMappings({ dir, departments });
      const [changed, refused] = goldenCases(dir, mappings).filter((item) => item.title.startsWith('licence residentIdCard'));
      expect(changed!.problems).to.deep.equal([]);
      const { actual, expected } = changed!.run();
      expect(actual).to.not.deep.equal(expected);
      expect(actual['applicant.sex']).to.equal('1');
      expect(refused!.problems).to.have.length(1);
      expect(refused!.problems[0]).to.match(/^mappings\/fixtures\/licences\/residentIdCard\.yaml#\/cases\/1\/expected: applicant\.idNumber /);
    });

    it('catches a matter case whose department value is wrong, and a department field no case exercises', () => {
      writeFileSync(join(dir, 'fixtures', 'matters', '000795887000.yaml'),
        'cases:\n  - canonical: { child.name: 林琳芳, child.sex: 女, child.birthDate: "2026-04-24" }\n    expected: { xm: 林琳芳, xb: 女, csrq: "2026-04-24" }\n');
      const mappings = loadMappings({ dir, departments });
      const matterCase = goldenCases(dir, mappings).find((item) => item.title.startsWith('matter 000795887000'))!;
      const { actual, expected } = matterCase.run();
      expect(actual).to.deep.equal({ xm: '林琳芳', xb: '2', csrq: '2026-04-24' });
      expect(actual).to.not.deep.equal(expected);
      expect(untestedFields(dir, mappings).filter((problem) => problem.startsWith('mappings/matters/000795887000.yaml'))).to.deep.equal(
        ['sfzhm', 'lxdh', 'hjdz', 'cbxz'].map((field) => `mappings/matters/000795887000.yaml: department field ${field} appears in no golden case`));
    });
  });
});
