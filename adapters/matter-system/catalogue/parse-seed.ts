/**
 * Parses the 40 一件事 themes of 梅县区 out of the seed document
 * (a text export kept outside the repository; its file name and SHA-256 are
 * recorded in `themes.json`'s `source`) into `themes.json`, the data
 * the matter-system simulator serves. Run it when the seed changes:
 *
 *     npx tsx adapters/matter-system/catalogue/parse-seed.ts <seed.txt> [themes.json]
 *
 * The table starts at the header row `序号	一件主题	涉及事项名称	涉及部门	办理地点	备注`.
 * Rows are tab-separated. A row starting with a number opens a theme; a row
 * whose first two cells are empty continues the theme above. One cell may
 * list several matters (and as many departments) separated by spaces. Blank
 * lines (page breaks) and repeated header rows are skipped; anything else is
 * an error naming the line, so a changed document fails loudly instead of
 * silently losing rows.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SubjectType } from '../../../src/domain/matter-catalog.js';
import { subjectTypeOfTheme } from './map-subject-type.js';

export const HEADER = ['序号', '一件主题', '涉及事项名称', '涉及部门', '办理地点', '备注'] as const;

/** The number of themes the seed table publishes. */
export const EXPECTED_THEME_COUNT = 40;

/**
 * Remarks that describe one matter row rather than the whole theme:
 * `市级审批` means that matter is approved at city level. Any other remark
 * (e.g. `其他涉及事项待条件成熟时再纳入实施`) belongs to the theme.
 */
export const MATTER_LEVEL_NOTES: readonly string[] = ['市级审批'];

/** The part of a department registry entry the parser needs (mappings/departments.json). */
export interface DepartmentNames {
  readonly code: string;
  readonly names: readonly string[];
}

/** A distinct matter: same name and same department means the same matter. */
export interface SeedMatter {
  /** Row identity inside themes.json only (`M001`…, first appearance order); not a matter code. */
  readonly id: string;
  readonly name: string;
  /** Department name as the table spells it (first appearance). */
  readonly departmentName: string;
  readonly departmentCode: string;
  /** Matter-level remarks (e.g. `市级审批`), joined with `；`; empty when none. */
  readonly notes: string;
}

export interface SeedTheme {
  /** `MX-T` + two-digit sequence number. */
  readonly code: string;
  readonly sequence: number;
  readonly name: string;
  readonly subjectType: SubjectType;
  readonly serviceHall: string;
  readonly notes: string;
  /** Ids of its matters (see {@link SeedMatter.id}), in table order. */
  readonly matters: readonly string[];
}

export interface SeedCatalogue {
  readonly source: { readonly file: string; readonly sha256: string };
  readonly themes: readonly SeedTheme[];
  readonly matters: readonly SeedMatter[];
}

/** Stable theme code of a sequence number: `MX-T01` … `MX-T40`. */
export function themeCode(sequence: number): string {
  return `MX-T${String(sequence).padStart(2, '0')}`;
}

interface ThemeDraft {
  sequence: number;
  name: string;
  serviceHall: string;
  notes: string[];
  matters: string[];
  line: number;
}

interface MatterDraft {
  id: string;
  name: string;
  departmentName: string;
  departmentCode: string;
  notes: string[];
}

export interface ParseOptions {
  /** Recorded in the result (the file name only, not a machine path). Default `seeds/002_e3160c3c1a061d3d.txt`. */
  readonly sourceFile?: string;
  /** Number of themes the table must have. Default {@link EXPECTED_THEME_COUNT}. */
  readonly expectedThemes?: number;
}

/**
 * Parses the theme table.
 *
 * @param text the whole seed document.
 * @param departments department registry entries; every department named in the table must resolve.
 * @throws Error naming the line (1-based) of the first problem.
 */
export function parseThemeTable(text: string, departments: readonly DepartmentNames[], options: ParseOptions = {}): SeedCatalogue {
  const sourceFile = options.sourceFile ?? 'seeds/002_e3160c3c1a061d3d.txt';
  const expectedThemes = options.expectedThemes ?? EXPECTED_THEME_COUNT;
  const byName = new Map<string, string>();
  for (const department of departments) for (const name of department.names) byName.set(name, department.code);

  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => isHeader(line));
  if (headerIndex < 0) throw new Error(`seed: no table header "${HEADER.join('\\t')}"`);

  const themes: ThemeDraft[] = [];
  const matters = new Map<string, MatterDraft>();

  for (let index = headerIndex + 1; index < lines.length; index++) {
    const raw = lines[index]!;
    const lineNo = index + 1;
    const at = `seed line ${lineNo}`;
    if (raw.trim() === '' || isHeader(raw)) continue;
    const cells = raw.split('\t').map((cell) => cell.trim());
    if (cells.length > HEADER.length) throw new Error(`${at}: ${cells.length} cells, the table has ${HEADER.length}`);
    const [first = '', themeName = '', matterCell = '', departmentCell = '', hall = '', note = ''] = cells;

    let theme: ThemeDraft;
    if (/^\d+$/.test(first)) {
      const sequence = Number(first);
      const expected = themes.length + 1;
      if (sequence !== expected) throw new Error(`${at}: theme number ${sequence}, expected ${expected}`);
      if (themeName === '') throw new Error(`${at}: theme ${sequence} has no name`);
      theme = { sequence, name: themeName, serviceHall: hall, notes: [], matters: [], line: lineNo };
      themes.push(theme);
    } else if (first === '' && themeName === '' && themes.length > 0) {
      theme = themes[themes.length - 1]!;
      // The hall is given on a theme's first line; a continuation line may repeat it but not contradict it.
      if (hall !== '' && hall !== theme.serviceHall) {
        throw new Error(`${at}: service hall "${hall}" differs from theme ${theme.sequence}'s "${theme.serviceHall}"`);
      }
    } else {
      throw new Error(`${at}: neither a theme row nor a continuation row: "${raw}"`);
    }

    const names = splitCell(matterCell);
    const departmentNames = splitCell(departmentCell);
    if (names.length === 0) throw new Error(`${at}: no matter in theme ${theme.sequence}`);
    if (names.length !== departmentNames.length) {
      throw new Error(`${at}: theme ${theme.sequence} lists ${names.length} matters but ${departmentNames.length} departments`);
    }
    const matterNote = MATTER_LEVEL_NOTES.includes(note);
    if (matterNote && names.length > 1) throw new Error(`${at}: remark "${note}" cannot be attached to one of ${names.length} matters`);
    if (note !== '' && !matterNote) theme.notes.push(note);

    names.forEach((name, position) => {
      const departmentName = departmentNames[position]!;
      const departmentCode = byName.get(departmentName);
      if (departmentCode === undefined) throw new Error(`${at}: department "${departmentName}" is not in the department registry`);
      const key = `${name}\u0000${departmentCode}`;
      let matter = matters.get(key);
      if (!matter) {
        matter = { id: `M${String(matters.size + 1).padStart(3, '0')}`, name, departmentName, departmentCode, notes: [] };
        matters.set(key, matter);
      }
      if (matterNote && !matter.notes.includes(note)) matter.notes.push(note);
      if (theme.matters.includes(matter.id)) throw new Error(`${at}: theme ${theme.sequence} lists "${name}" twice`);
      theme.matters.push(matter.id);
    });
  }

  if (themes.length !== expectedThemes) throw new Error(`seed: ${themes.length} themes, expected ${expectedThemes}`);

  return {
    source: { file: sourceFile, sha256: createHash('sha256').update(text).digest('hex') },
    themes: themes.map((theme) => ({
      code: themeCode(theme.sequence),
      sequence: theme.sequence,
      name: theme.name,
      subjectType: subjectTypeOfTheme(theme.name),
      serviceHall: theme.serviceHall,
      notes: theme.notes.join('；'),
      matters: theme.matters,
    })),
    matters: [...matters.values()].map((matter) => ({
      id: matter.id,
      name: matter.name,
      departmentName: matter.departmentName,
      departmentCode: matter.departmentCode,
      notes: matter.notes.join('；'),
    })),
  };
}

function isHeader(line: string): boolean {
  const cells = line.split('\t').map((cell) => cell.trim());
  return HEADER.every((name, index) => cells[index] === name);
}

/** Several matters (or departments) in one cell are separated by spaces (ASCII or full-width). */
function splitCell(cell: string): string[] {
  return cell.split(/[\s\u3000]+/).filter((part) => part !== '');
}

export const THEMES_FILE = new URL('./themes.json', import.meta.url);
const DEPARTMENTS_FILE = new URL('../../../mappings/departments.json', import.meta.url);

/** Reads the department registry's names (the adapter does not import the gateway's loader). */
export function readDepartmentNames(file: URL | string = DEPARTMENTS_FILE): DepartmentNames[] {
  const content = JSON.parse(readFileSync(file, 'utf8')) as { departments: DepartmentNames[] };
  return content.departments.map(({ code, names }) => ({ code, names }));
}

/** The JSON text written to themes.json (stable formatting, trailing newline). */
export function renderThemesFile(catalogue: SeedCatalogue): string {
  const document = {
    $comment: 'Generated by adapters/matter-system/catalogue/parse-seed.ts from the seed table; do not edit by hand. Theme codes are MX-T + the two-digit 序号; matter ids (M001…) are row identities inside this file only.',
    ...catalogue,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function main(argv: readonly string[]): void {
  const seedFile = argv[0];
  if (seedFile === undefined) {
    process.stderr.write('usage: parse-seed.ts <seed.txt> [themes.json]\n');
    process.exitCode = 2;
    return;
  }
  const outFile = argv[1] ?? fileURLToPath(THEMES_FILE);
  const catalogue = parseThemeTable(readFileSync(seedFile, 'utf8'), readDepartmentNames());
  writeFileSync(outFile, renderThemesFile(catalogue));
  process.stdout.write(`${catalogue.themes.length} themes, ${catalogue.matters.length} distinct matters → ${outFile}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
