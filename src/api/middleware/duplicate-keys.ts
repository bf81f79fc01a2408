/**
 * Duplicate member names in JSON text. `JSON.parse` keeps the last of two
 * equal names silently (a reviver never sees the first), so a body could
 * say one thing to Tongban and another to whatever parses it next. This
 * single pass over text that already parsed tracks the names of each open
 * object and reports where a name repeats, as JSON Pointers.
 */

interface Frame {
  /** Names seen in an object; undefined for an array. */
  readonly names: Set<string> | undefined;
  /** The member being read (objects) or the index of the element (arrays). */
  token: string | number;
  /** In an object: the next string is a member name. */
  expectName: boolean;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d, COMMA = 0x2c;

/**
 * JSON Pointers of every member whose name repeats one earlier in the same
 * object (the second and later occurrences), in text order. `text` must be
 * valid JSON (`JSON.parse` accepted it); names are compared after escapes
 * are decoded (`"a"` and `"\u0061"` are the same name).
 */
export function duplicateKeyPointers(text: string): string[] {
  const found: string[] = [];
  const stack: Frame[] = [];
  let top: Frame | undefined;
  const length = text.length;
  // Where the next backslash is: a name needs decoding only when one falls inside it (found once per backslash, not per name).
  let nextBackslash = -1;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    switch (code) {
      case QUOTE: {
        if (nextBackslash !== Infinity && nextBackslash <= index) {
          const at = text.indexOf('\\', index + 1);
          nextBackslash = at === -1 ? Infinity : at;
        }
        let end = text.indexOf('"', index + 1);
        const escaped = nextBackslash < end;
        if (escaped) while (isEscaped(text, end)) end = text.indexOf('"', end + 1);
        if (top?.names && top.expectName) {
          const name = escaped ? JSON.parse(text.slice(index, end + 1)) as string : text.slice(index + 1, end);
          if (top.names.has(name)) found.push(pointerOf(stack, name));
          else top.names.add(name);
          top.token = name;
          top.expectName = false;
        }
        index = end;
        break;
      }
      case OPEN_OBJECT:
        stack.push(top = { names: new Set(), token: '', expectName: true });
        break;
      case OPEN_ARRAY:
        stack.push(top = { names: undefined, token: 0, expectName: false });
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        stack.pop();
        top = stack[stack.length - 1];
        break;
      case COMMA:
        if (top?.names) top.expectName = true;
        else if (top) top.token = (top.token as number) + 1;
        break;
      default:
        // whitespace, colons, numbers, true, false, null: nothing to track
    }
  }
  return found;
}

/** Whether the quote at `at` is escaped: preceded by an odd run of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let index = at - 1; text.charCodeAt(index) === BACKSLASH; index--) backslashes++;
  return backslashes % 2 === 1;
}

/** RFC 6901 pointer of member `name` of the innermost object on `stack`. */
function pointerOf(stack: readonly Frame[], name: string): string {
  const tokens = stack.slice(0, -1).map((frame) => frame.token);
  tokens.push(name);
  return tokens.map((token) => `/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
