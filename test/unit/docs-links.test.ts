/**
 * Every relative link in the repository's markdown (README.md, docs/,
 * certs/, adapters/ and any other folder) must point to a file or folder that
 * exists, and a `#fragment` to a heading (or an explicit anchor) of the target
 * page, with GitHub's heading ids. Links to other sites are not followed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'data', 'coverage', 'dist']);

function markdownFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) || entry.name.startsWith('.') ? [] : markdownFiles(path);
    return entry.isFile() && entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The lines outside fenced code blocks (those inside become empty, so line numbers are kept). */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker !== undefined) {
      fence = marker;
      return '';
    }
    return line;
  });
}

/** GitHub's id for a heading: lower case, punctuation dropped (letters of any script kept), spaces → hyphens. */
export function headingId(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*_~]/g, (character) => (character === '_' ? '_' : ''));
  return text.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

const anchorCache = new Map<string, Set<string>>();

/** Every fragment a page answers to: heading ids (repeats numbered -1, -2 …) and explicit `id`/`name` anchors. */
function anchorsOf(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (anchors) return anchors;
  anchors = new Set();
  const seen = new Map<string, number>();
  const text = readFileSync(file, 'utf8');
  for (const line of proseLines(text)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const id = headingId(heading);
      const count = seen.get(id) ?? 0;
      anchors.add(count === 0 ? id : `${id}-${count}`);
      seen.set(id, count + 1);
    }
  }
  for (const match of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
  anchorCache.set(file, anchors);
  return anchors;
}

interface Link { line: number; target: string }

function linksOf(text: string): Link[] {
  const links: Link[] = [];
  proseLines(text).map((line) => line.replace(/(`+)[^`]*?\1/g, '')).forEach((line, index) => {
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: index + 1, target: match[1]! });
    const reference = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (reference) links.push({ line: index + 1, target: reference[1]! });
  });
  return links;
}

/** Why `target` in `file` is dead, or undefined when it resolves. */
function problemOf(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return undefined; // another site, mailto:…
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const fragment = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved = pathPart === '' ? join(root, file) : pathPart.startsWith('/') ? join(root, pathPart) : resolve(dirname(join(root, file)), pathPart);
  if (!existsSync(resolved)) return `${relative(root, resolved)} does not exist`;
  if (fragment === undefined || fragment === '' || /^L\d+(-L\d+)?$/.test(fragment)) return undefined;
  if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) return undefined;
  return anchorsOf(resolved).has(fragment.toLowerCase()) ? undefined : `${relative(root, resolved)} has no heading "#${fragment}"`;
}

describe('markdown links', () => {
  const files = markdownFiles('');

  it('finds the documentation to check', () => {
    expect(files).to.include.members(['README.md', 'certs/README.md', 'docs/architecture.md', 'docs/domain.md', 'docs/signatures.md']);
  });

  it('computes GitHub heading ids', () => {
    expect(headingId('Signed requests and answers (Tongban signature v1)')).to.equal('signed-requests-and-answers-tongban-signature-v1');
    expect(headingId('Authentication (Tongban signature v1) — 401')).to.equal('authentication-tongban-signature-v1--401');
    expect(headingId('Electronic licences (电子证照)')).to.equal('electronic-licences-电子证照');
    expect(headingId('Walkthrough: `tongban demo`')).to.equal('walkthrough-tongban-demo');
  });

  it('every relative link points to a file that exists, and every fragment to a heading', () => {
    const dead = files.flatMap((file) => linksOf(readFileSync(join(root, file), 'utf8')).flatMap(({ line, target }) => {
      const problem = problemOf(file, target);
      return problem === undefined ? [] : [`${file}:${line}: (${target}) — ${problem}`];
    }));
    expect(dead, `dead links:\n${dead.join('\n')}`).to.deep.equal([]);
  });
});
