import { expect } from 'chai';
import fc from 'fast-check';
import { duplicateKeyPointers } from '../../../src/api/middleware/duplicate-keys.js';

/** A JSON value written as entries, so an object may repeat a name (which a JS object cannot hold). */
type Tree = { kind: 'object'; entries: [string, Tree][] } | { kind: 'array'; items: Tree[] } | { kind: 'leaf'; value: unknown };

/** Writes `name` as JSON, sometimes escaping each character (`\u0061` is the name `a`). */
function writeName(name: string, escape: boolean): string {
  if (!escape) return JSON.stringify(name);
  return `"${Array.from({ length: name.length }, (_, index) => `\\u${name.charCodeAt(index).toString(16).padStart(4, '0')}`).join('')}"`;
}

function write(tree: Tree, escapes: () => boolean): string {
  switch (tree.kind) {
    case 'object': return `{ ${tree.entries.map(([name, value]) => `${writeName(name, escapes())} :\n${write(value, escapes)}`).join(' , ')} }`;
    case 'array': return `[${tree.items.map((item) => write(item, escapes)).join(',')}]`;
    default: return JSON.stringify(tree.value);
  }
}

/** The pointers a correct scanner reports: each later occurrence of a name within one object. */
function expected(tree: Tree, path: string[] = []): string[] {
  const escape = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
  if (tree.kind === 'array') return tree.items.flatMap((item, index) => expected(item, [...path, String(index)]));
  if (tree.kind === 'leaf') return [];
  const seen = new Set<string>();
  return tree.entries.flatMap(([name, value]) => {
    const here = seen.has(name) ? [[...path, name].map((token) => `/${escape(token)}`).join('')] : [];
    seen.add(name);
    return [...here, ...expected(value, [...path, name])];
  });
}

describe('duplicateKeyPointers: repeated member names in JSON text', () => {
  it('names each repeat by JSON Pointer, comparing names after escapes', () => {
    expect(duplicateKeyPointers('{"a":1,"b":{"c":[{"d":1,"d":2}]},"a":3}')).to.deep.equal(['/b/c/0/d', '/a']);
    expect(duplicateKeyPointers('{"a\\"b":"x\\\\","a\\u0022b":1}')).to.deep.equal(['/a"b']);
    expect(duplicateKeyPointers('{"~/":1,"~/":2}')).to.deep.equal(['/~0~1']);
    expect(duplicateKeyPointers('[{"a":"a","b":"a"},{"a":"\\"a\\":1,"}]')).to.deep.equal([]);
    expect(duplicateKeyPointers('"{\\"a\\":1,\\"a\\":2}"')).to.deep.equal([]);
  });

  it('property: agrees with a reference over generated trees with repeated and escaped names', () => {
    const name = fc.constantFrom('a', 'b', 'name', '姓名', 'a/b', '~', '"', '\\', '😀', '');
    const leaf = fc.oneof(fc.integer(), fc.string(), fc.constantFrom(null, true, false, '\\"', '{"a":1,"a":2}')).map((value): Tree => ({ kind: 'leaf', value }));
    const tree = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(fc.tuple(name, tie('tree')), { maxLength: 6 }).map((entries): Tree => ({ kind: 'object', entries })),
        fc.array(tie('tree'), { maxLength: 4 }).map((items): Tree => ({ kind: 'array', items }))),
    })).tree;
    fc.assert(fc.property(tree, fc.infiniteStream(fc.boolean()), (value, coins) => {
      const text = write(value, () => coins.next().value as boolean);
      JSON.parse(text);
      expect(duplicateKeyPointers(text)).to.deep.equal(expected(value));
    }), { seed: 1124, numRuns: 3000 });
  });
});
