/**
 * Packs `personalize-operator-constructs`, the npm package for users' own cdk8s and CDKTF code: the two entry
 * points and exactly the modules they import (the compiler follows them from `tsconfig.json` here), the Helm
 * chart the CDKTF construct installs, and a manifest with peer dependencies only. Nothing of the operator's
 * runtime (client-node, the AWS SDK, pino) is in it or installed with it, and it runs no script on install.
 *
 * `npm run pack:constructs [-- --out DIR]` writes the tarball into DIR (default `dist/`) and prints its path.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../local/package-root.js';

export const CONSTRUCTS_PACKAGE = 'personalize-operator-constructs';

interface Manifest {
  version: string;
  license: string;
  engines: Record<string, string>;
  devDependencies: Record<string, string>;
}

/**
 * The peers, at the versions the tests build against: cdk8s and constructs from that version on, CDKTF and its
 * providers exactly (archived upstream, 0.21.0 final). All optional: a cdk8s app needs none of CDKTF's.
 */
function peers(dev: Record<string, string>) {
  const at = (name: string) => {
    const version = dev[name];
    if (!version) throw new Error(`${name} is not a devDependency: the constructs are built against it`);
    return version;
  };
  const ranges = {
    cdk8s: `^${at('cdk8s')}`,
    constructs: `^${at('constructs')}`,
    cdktf: at('cdktf'),
    '@cdktf/provider-helm': at('@cdktf/provider-helm'),
    '@cdktf/provider-kubernetes': at('@cdktf/provider-kubernetes'),
  };
  return {
    peerDependencies: ranges,
    peerDependenciesMeta: Object.fromEntries(Object.keys(ranges).map((name) => [name, { optional: true }])),
  };
}

const entry = (name: string) => ({
  types: `./dist/src/constructs/${name}.d.ts`,
  default: `./dist/src/constructs/${name}.js`,
});

/** Stages the package in `dist/constructs-package/` and packs it into `out`; returns the tarball's path. */
export function packConstructs(out: string, root = packageRoot()): string {
  const stage = join(root, 'dist', 'constructs-package');
  rmSync(stage, { recursive: true, force: true });
  execFileSync(
    join(root, 'node_modules', '.bin', 'tsc'),
    ['-p', join(root, 'src', 'constructs', 'tsconfig.json')],
    {
      stdio: 'inherit',
    },
  );
  cpSync(join(root, 'charts', 'personalize-operator'), join(stage, 'charts', 'personalize-operator'), {
    recursive: true,
  });
  const operator = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
  const manifest = {
    name: CONSTRUCTS_PACKAGE,
    version: operator.version,
    description:
      'cdk8s and CDKTF constructs for personalize-operator: DatasetExportJob, DatasetExportSchedule, the operator',
    license: operator.license,
    type: 'module',
    engines: operator.engines,
    exports: { './cdk8s': entry('cdk8s'), './cdktf': entry('cdktf'), './package.json': './package.json' },
    files: ['dist', 'charts'],
    ...peers(operator.devDependencies),
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(stage, 'README.md'),
    '# personalize-operator-constructs\n\nTyped cdk8s and CDKTF constructs for ' +
      '[personalize-operator](https://github.com/personalize-ops/personalize-operator): ' +
      '`personalize-operator-constructs/cdk8s` and `personalize-operator-constructs/cdktf`. ' +
      'See docs/constructs.md there.\n',
  );
  mkdirSync(out, { recursive: true });
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
    cwd: stage,
    encoding: 'utf8',
  });
  return join(out, packed.trim().split('\n').pop() ?? '');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: 'dist' }, help: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.help) {
    console.log(
      'npm run pack:constructs [-- --out DIR]\n\nPacks personalize-operator-constructs into DIR (default dist/).',
    );
  } else {
    console.log(packConstructs(resolve(values.out)));
  }
}
