/**
 * A small JSON Logic evaluator for theme rules ("which matters apply under
 * which answers"). Only the operations the mapping docs allow; anything else
 * is refused when the mapping is loaded, not when a citizen applies.
 */

export type JsonLogic = unknown;

const OPERATIONS = new Set(['==', '!=', '===', '!==', '<', '<=', '>', '>=', '!', '!!', 'and', 'or', 'if', 'in', 'var']);

function isOperation(rule: unknown): rule is Record<string, unknown> {
  return typeof rule === 'object' && rule !== null && !Array.isArray(rule) && Object.keys(rule).length === 1;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

function args(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Problems with a rule (unknown operations, variables that are not question ids); empty when fine. */
export function checkRule(rule: JsonLogic, variables: ReadonlySet<string>, pointer = ''): { pointer: string; message: string }[] {
  if (Array.isArray(rule)) return rule.flatMap((item, index) => checkRule(item, variables, `${pointer}/${index}`));
  if (typeof rule !== 'object' || rule === null) return [];
  if (!isOperation(rule)) return [{ pointer, message: 'a rule object must have exactly one operation' }];
  const [operation, operand] = Object.entries(rule)[0]!;
  if (!OPERATIONS.has(operation)) return [{ pointer, message: `unknown operation "${operation}"` }];
  if (operation === 'var') {
    const name = args(operand)[0];
    if (typeof name !== 'string' || !variables.has(name)) return [{ pointer: `${pointer}/var`, message: `"${String(name)}" is not a question of this theme` }];
    return [];
  }
  return args(operand).flatMap((item, index) => checkRule(item, variables, `${pointer}/${operation}/${index}`));
}

/** Evaluates a rule against the answers. */
export function evaluate(rule: JsonLogic, data: Readonly<Record<string, unknown>>): unknown {
  if (Array.isArray(rule)) return rule.map((item) => evaluate(item, data));
  if (!isOperation(rule)) return rule;
  const [operation, operand] = Object.entries(rule)[0]!;
  const list = args(operand);
  if (operation === 'var') {
    const [name, fallback] = list;
    const value = data[String(name)];
    return value === undefined ? fallback ?? null : value;
  }
  if (operation === 'and') {
    let last: unknown = true;
    for (const item of list) { last = evaluate(item, data); if (!truthy(last)) return last; }
    return last;
  }
  if (operation === 'or') {
    let last: unknown = false;
    for (const item of list) { last = evaluate(item, data); if (truthy(last)) return last; }
    return last;
  }
  if (operation === 'if') {
    for (let index = 0; index + 1 < list.length; index += 2) if (truthy(evaluate(list[index], data))) return evaluate(list[index + 1], data);
    return list.length % 2 === 1 ? evaluate(list[list.length - 1], data) : null;
  }
  const values = list.map((item) => evaluate(item, data));
  const [a, b] = values;
  switch (operation) {
    // eslint-disable-next-line eqeqeq
    case '==': return a == b;
    // eslint-disable-next-line eqeqeq
    case '!=': return a != b;
    case '===': return a === b;
    case '!==': return a !== b;
    case '<': return (a as number) < (b as number);
    case '<=': return (a as number) <= (b as number);
    case '>': return (a as number) > (b as number);
    case '>=': return (a as number) >= (b as number);
    case '!': return !truthy(a);
    case '!!': return truthy(a);
    case 'in': return Array.isArray(b) ? b.includes(a) : typeof b === 'string' && b.includes(String(a));
    default: throw new Error(`unknown operation ${operation}`);
  }
}

/** Whether a rule holds (absent rule: always). */
export function holds(rule: JsonLogic | undefined, data: Readonly<Record<string, unknown>>): boolean {
  return rule === undefined ? true : truthy(evaluate(rule, data));
}
