/**
 * The layering the folders promise, checked on the sources: no import circle, the runtime knows no product word,
 * the job lifecycle names no kind, and no kind reaches into another kind's folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');
const files = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.split('\\').join('/'));
const source = new Map(files.map((f) => [f, readFileSync(join(SRC, f), 'utf8')]));

/** Each file's relative imports (type-only ones too: a circle of types is a circle of concerns). */
const imports = new Map(
  files.map((f) => {
    const specs = [...source.get(f)!.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(
      (m) => m[1]!,
    );
    return [f, specs.map((s) => relative(SRC, resolve(SRC, dirname(f), s)).replace(/\.js$/, '.ts'))];
  }),
);

const kindOf = (file: string) => /^kinds\/([^/]+)\//.exec(file)?.[1];

describe('architecture', () => {
  it('has no import circle in src/', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const circles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        circles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of imports.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });

  it('keeps the runtime generic: it imports only itself and names no product word', () => {
    for (const file of files.filter((f) => f.startsWith('runtime/'))) {
      expect(
        imports.get(file)!.filter((i) => !i.startsWith('runtime/')),
        file,
      ).toEqual([]);
      expect(source.get(file), file).not.toMatch(/Personalize|Dataset|personalize\.ops/);
    }
  });

  it('keeps the job lifecycle free of any kind: no kind folder, no kind name', () => {
    for (const file of files.filter((f) => f.startsWith('personalize-job/'))) {
      expect(
        imports.get(file)!.filter((i) => i.startsWith('kinds/') || i.startsWith('cli/')),
        file,
      ).toEqual([]);
      expect(source.get(file), file).not.toMatch(/DatasetExportJob|DatasetImportJob|datasetExportJobArn/);
    }
  });

  it('lets no kind import another kind’s folder, and no lower layer import a kind', () => {
    for (const file of files) {
      const own = kindOf(file);
      const foreign = imports.get(file)!.filter((i) => kindOf(i) && kindOf(i) !== own);
      // The list of kinds and the schedule's narrow view of its run kind name kinds; so do the layers above them.
      const allowed =
        own === undefined &&
        /^(kinds\/index\.ts|kinds\/schedule-runs\.ts|manifests\/|cli\/|constructs\/|operator\.ts)/.test(file);
      if (!allowed) expect(foreign, file).toEqual([]);
    }
  });

  it('assembles the operator from the list of kinds: operator.ts names none', () => {
    expect(source.get('operator.ts')).not.toMatch(/Dataset(Export|Import)(Job|Schedule)/);
  });
});
