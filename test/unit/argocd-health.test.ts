import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KINDS } from '../../src/kinds/index.js';
import { packageRoot } from '../../src/local/package-root.js';

const dir = join(packageRoot(), 'charts/personalize-operator/argocd');
const LUA = process.env.LUA ?? 'lua5.1';

/** A JSON value as a Lua table constructor, the form Argo CD hands `obj` to health scripts in. */
function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(toLua).join(',')}}`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `[${JSON.stringify(k)}]=${toLua(v)}`)
    .join(',')}}`;
}

interface Fixture {
  healthStatus: { status: string; message: string };
  inputPath: string;
}

// Argo CD embeds gopher-lua, a Lua 5.1: the real 5.1 interpreter runs the script the same way.
// One check per kind of the operator, its fixtures in argocd/<Kind>/ and its Lua where the kind says (the job
// kinds share one).
describe.each(KINDS.map((k) => [k.kind, join(dir, k.kind), join(dir, k.health)] as const))(
  'Argo CD health check of %s (Lua 5.1, fixtures in Argo CD health_test.yaml form)',
  (_kind, folder, lua) => {
    const { tests } = parse(readFileSync(join(folder, 'health_test.yaml'), 'utf8')) as { tests: Fixture[] };
    it.each(tests.map((t) => [t.inputPath, t] as const))('%s', (_path, fixture) => {
      const obj = parse(readFileSync(join(folder, fixture.inputPath), 'utf8'));
      const driver = `obj = ${toLua(obj)}
local hs = assert(loadfile(${JSON.stringify(lua)}))()
io.write(hs.status, "\\n", hs.message or "")`;
      const [status, message] = execFileSync(LUA, ['-e', driver], { encoding: 'utf8' }).split('\n');
      expect({ status, message }).toEqual(fixture.healthStatus);
    });
  },
);
