/**
 * Reads the labelled example blocks of a markdown page: a fenced block
 * preceded by `<!-- example:NAME -->` on its own line. The block's text is
 * returned without its final newline, so a body shown "with no newline at
 * the end" is exactly the bytes meant.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LABELLED_BLOCK = /^<!-- example:([a-z0-9-]+) -->\r?\n(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n\2[ \t]*$/gm;

/** Absolute path of a file under the repository root, e.g. `docs/signatures.md`. */
export function repositoryFile(relativePath: string): string {
  return fileURLToPath(new URL(`../../../${relativePath}`, import.meta.url));
}

/** The labelled example blocks of a markdown file, by label; a label used twice is an error. */
export function readDocExamples(relativePath: string): Map<string, string> {
  const text = readFileSync(repositoryFile(relativePath), 'utf8');
  const examples = new Map<string, string>();
  for (const match of text.matchAll(LABELLED_BLOCK)) {
    const [, label, , content] = match as unknown as [string, string, string, string];
    if (examples.has(label)) throw new Error(`${relativePath}: example "${label}" appears twice`);
    examples.set(label, content);
  }
  return examples;
}

/** The example `label`, or an error naming the page and the label when it is missing. */
export function example(examples: Map<string, string>, label: string, page: string): string {
  const value = examples.get(label);
  if (value === undefined) throw new Error(`${page} has no block labelled <!-- example:${label} -->`);
  return value;
}
