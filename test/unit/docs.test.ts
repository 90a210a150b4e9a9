import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HISTORY_PAGE, renderHistory } from '../../bench/history.js';
import { packageRoot } from '../../src/local/package-root.js';
import { COMMAND_LANGS, docPages } from '../support/doc-blocks.js';

const root = packageRoot();
const pages = docPages(root);
const blocks = pages.flatMap((p) => p.blocks);
const where = (b: { page: string; line: number }) => `${b.page}:${b.line}`;

describe('README.md and docs/', () => {
  it('mark every command block with how the tests run it', () => {
    const commands = blocks.filter((b) => COMMAND_LANGS.has(b.lang));
    expect(commands.length).toBeGreaterThan(20);
    for (const block of commands) {
      expect(typeof block.marker, `${where(block)}: no <!-- doc-test: … --> line above`).toBe('object');
      const marker = block.marker as Exclude<typeof block.marker, string | undefined>;
      if (marker.mode === 'compile') expect(block.lang, where(block)).toBe('ts');
      else if (marker.mode !== 'skip') expect(block.lang, where(block)).toBe('sh');
    }
    // A marker on a block that is no command is a typo somewhere.
    for (const block of blocks.filter((b) => !COMMAND_LANGS.has(b.lang)))
      expect(block.marker, where(block)).toBeUndefined();
  });

  it('skip only these blocks, each saying why it cannot run here', () => {
    const skipped = blocks.flatMap((b) =>
      typeof b.marker === 'object' && b.marker.mode === 'skip'
        ? [{ at: b.page, code: b.code.split('\n')[0], reason: b.marker.reason }]
        : [],
    );
    for (const { reason } of skipped) expect(reason.length).toBeGreaterThan(30);
    expect(skipped.map(({ at, code }) => `${at}: ${code}`)).toEqual([
      'README.md: npm ci && npm run dev',
      'README.md: npm ci && npm test',
      'docs/benchmarks.md: npm run bench -- --jobs 1000 --datasets 10',
      'docs/constructs.md: npm install personalize-operator-constructs cdk8s constructs',
      'docs/development.md: npm ci && npm test',
      'docs/install.md: docker build -t registry.example.com/personalize-operator:0.1.0 .',
    ]);
  });

  it('keep README a short product page whose two commands are the ones CI and a new user run', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThan(250);
    const first = pages[0]?.blocks.filter((b) => b.lang === 'sh').map((b) => b.code);
    expect(first?.slice(0, 2)).toEqual(['npm ci && npm run dev', 'npm ci && npm test']);
    const ci = readFileSync(join(root, '.ci/run'), 'utf8').trim().split('\n').at(-1);
    expect(ci).toBe('npm ci && npm test');
  });

  it('link only to files that exist', () => {
    for (const { page } of pages) {
      const text = readFileSync(join(root, page), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue;
        expect(existsSync(join(root, dirname(page), target)), `${page} links to ${target}`).toBe(true);
      }
    }
  });

  it('list every benchmark run recorded in bench/results (npm run bench rewrites the page)', () => {
    expect(readFileSync(join(root, HISTORY_PAGE), 'utf8')).toBe(renderHistory(join(root, 'bench/results')));
  });
});
