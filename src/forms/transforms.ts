/**
 * The transform registry: named pure functions that mapping files refer to
 * by name (`transform: date.compact`). Data never contains code. A transform
 * that cannot convert a value throws TransformError; callers turn that into
 * a field error, never a silent pass-through.
 */

export class TransformError extends Error {
  override readonly name = 'TransformError';
}

export type Transform = (value: unknown) => unknown;

/** Code tables by name (`mappings/code-tables/<name>.yaml`), for `code:<name>`. */
export type CodeTables = ReadonlyMap<string, ReadonlyMap<string, string>>;

const CHINESE_DATE = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/;
const SEPARATED_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

function isoDate(value: unknown): string {
  const text = String(value).trim();
  const match = CHINESE_DATE.exec(text) ?? SEPARATED_DATE.exec(text) ?? COMPACT_DATE.exec(text);
  if (!match) throw new TransformError(`"${text}" is not a date`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new TransformError(`"${text}" is not a calendar date`);
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function numeric(integer: boolean): Transform {
  return (value) => {
    const number = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isFinite(number) || (integer && !Number.isInteger(number))) throw new TransformError(`"${String(value)}" is not ${integer ? 'an integer' : 'a number'}`);
    return number;
  };
}

// 注册资本 as the 营业执照 prints it: `500万元人民币`, `50万元`, `人民币30万元`, `5000000元` (yuan). Another currency
// (`100万美元`, `50万港元`) is refused: a form asking 万元 means 人民币, and converting at some rate would invent a value.
const YUAN_AMOUNT = /^(?:人民币)?(\d+(?:\.\d+)?)(万)?(?:元(?:人民币)?|人民币)$/u;

/** An amount of 人民币 in text → its number of 万元 (`500万元人民币` → 500, `5000000元` → 500). */
function wanYuan(value: unknown): number {
  const text = String(value).trim().replace(/\s+/gu, '');
  const match = YUAN_AMOUNT.exec(text);
  if (!match) throw new TransformError(`"${String(value)}" is not an amount in 人民币`);
  const amount = Number(match[1]);
  return match[2] === '万' ? amount : amount / 10_000;
}

const BUILT_IN: Readonly<Record<string, Transform>> = {
  trim: (value) => String(value).trim(),
  upper: (value) => String(value).trim().toUpperCase(),
  'date.iso': isoDate,
  'date.compact': (value) => isoDate(value).replaceAll('-', ''),
  integer: numeric(true),
  number: numeric(false),
  'amount.wanYuan': wanYuan,
};

/** Names of the built-in transforms (`code:<table>` comes on top). */
export const TRANSFORM_NAMES: readonly string[] = Object.keys(BUILT_IN);

/**
 * Looks a transform up by name; `code:<table>` maps through a code table.
 * @returns undefined when the name is unknown (the validator reports it).
 */
export function resolveTransform(name: string, codeTables: CodeTables): Transform | undefined {
  if (name.startsWith('code:')) {
    const tableName = name.slice(5);
    const table = codeTables.get(tableName);
    if (!table) return undefined;
    return (value) => {
      const mapped = table.get(String(value));
      if (mapped === undefined) throw new TransformError(`"${String(value)}" is not in code table ${tableName}`);
      return mapped;
    };
  }
  return BUILT_IN[name];
}
