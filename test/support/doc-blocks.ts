/**
 * The command blocks of README.md and docs/, with the marker that says how the tests run each one
 * (docs/development.md, "Documentation is tested"). Generated pages hold no commands and are left out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../../src/local/package-root.js';

export type Marker =
  | { mode: 'run' }
  | { mode: 'fails'; text: string }
  | { mode: 'serve'; text: string }
  | { mode: 'compile' }
  | { mode: 'skip'; reason: string };

export interface DocBlock {
  /** Path from the repository root. */
  page: string;
  /** Line of the opening fence, 1-based. */
  line: number;
  lang: string;
  code: string;
  /** Undefined when the line above the fence holds no marker; a string when it holds one that cannot be read. */
  marker: Marker | string | undefined;
}

export interface DocPage {
  page: string;
  /** `dev --no-operator` instead of `dev`, for pages that install the operator themselves. */
  noOperator: boolean;
  blocks: DocBlock[];
}

/** The languages whose blocks are commands or code, each of which must carry a marker. */
export const COMMAND_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'ts', 'typescript', 'js']);

const GENERATED = [/^docs\/reference\//, /^docs\/benchmark-history\.md$/];

function parseMarker(text: string): Marker | string {
  const m = /^(run|compile)$|^(fails|serve) "([^"]+)"$|^skip (\S.*)$/.exec(text.trim());
  if (!m) return text;
  if (m[1] === 'run') return { mode: 'run' };
  if (m[1] === 'compile') return { mode: 'compile' };
  if (m[2] === 'fails') return { mode: 'fails', text: m[3] ?? '' };
  if (m[2] === 'serve') return { mode: 'serve', text: m[3] ?? '' };
  return { mode: 'skip', reason: m[4] ?? '' };
}

export function readPage(root: string, page: string): DocPage {
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${page}:${i + 1}: a code block that never closes`);
    const above = /^<!-- doc-test: (.*) -->$/.exec(lines[i - 1] ?? '');
    blocks.push({
      page,
      line: i + 1,
      lang: fence[1] ?? '',
      code: lines.slice(i + 1, end).join('\n'),
      marker: above ? parseMarker(above[1] ?? '') : undefined,
    });
    i = end;
  }
  return {
    page,
    noOperator: lines.some((l) => l.trim() === '<!-- doc-test-environment: no-operator -->'),
    blocks,
  };
}

/** README.md first, then every hand-written page of docs/, in name order. */
export function docPages(root = packageRoot()): DocPage[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => relative(root, join(root, 'docs', f)))
    .filter((p) => !GENERATED.some((g) => g.test(p)))
    .sort();
  return ['README.md', ...docs].map((page) => readPage(root, page));
}
