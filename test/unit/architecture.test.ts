/**
 * The folder tree is the architecture: these checks keep it so. The core
 * (src/, but for the composition root and the CLI that launches it) never
 * imports a concrete adapter; adapters never import each other (only their
 * shared plumbing); and no module imports itself back through others.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm;

/** Relative imports of a file, as repository paths (`.js` specifiers resolved to the `.ts` source). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((match) => match[1]!)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(root, resolve(root, dirname(file), specifier)).replace(/\.js$/, '.ts'));
}

const files = [...sourceFiles('src'), ...sourceFiles('adapters')];
const graph = new Map(files.map((file) => [file, importsOf(file)]));

/** Strongly connected components with more than one module (Tarjan). */
function cycles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe('architecture', () => {
  it('resolves every relative import to a source file', () => {
    const dangling = [...graph].flatMap(([file, imports]) => imports.filter((target) => !graph.has(target) && !target.startsWith('node_modules')).map((target) => `${file} → ${target}`));
    expect(dangling).to.deep.equal([]);
  });

  it('the core imports no concrete adapter: only the composition root and the CLI wire them in', () => {
    const wiring = /^src\/(?:gateway\.ts|gateway-setup\.ts|cli\/)/;
    const offenders = [...graph]
      .filter(([file]) => file.startsWith('src/') && !wiring.test(file))
      .flatMap(([file, imports]) => imports.filter((target) => target.startsWith('adapters/')).map((target) => `${file} → ${target}`));
    expect(offenders).to.deep.equal([]);
  });

  it('adapters import neither each other nor the API (but for its bare HTTP server, which the simulators share)', () => {
    const offenders = [...graph]
      .filter(([file]) => file.startsWith('adapters/'))
      .flatMap(([file, imports]) => {
        const own = file.split('/')[1];
        return imports
          .filter((target) => (target.startsWith('adapters/') && !['common', own].includes(target.split('/')[1])) || (target.startsWith('src/api/') && target !== 'src/api/express-server.ts'))
          .map((target) => `${file} → ${target}`);
      });
    expect(offenders).to.deep.equal([]);
  });

  it('has no import cycles', () => {
    expect(cycles()).to.deep.equal([]);
  });
});
