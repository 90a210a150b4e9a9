import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSTRUCTS_PACKAGE, packConstructs } from '../../src/constructs/pack.js';
import { crds } from '../../src/kinds/index.js';
import { packageRoot } from '../../src/local/package-root.js';
import { docPages } from '../support/doc-blocks.js';

const run = promisify(execFile);

const CONSUMER = `import { App, Chart } from 'cdk8s';
import { App as TerraformApp, TerraformStack } from 'cdktf';
import { DatasetExportJob, type DatasetExportJobSpec, DatasetExportSchedule } from 'personalize-operator-constructs/cdk8s';
import { BUNDLED_CHART, DatasetExportJobResource, PersonalizeOperator } from 'personalize-operator-constructs/cdktf';

const spec: DatasetExportJobSpec = {
  datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/demo/ITEMS',
  roleArn: 'arn:aws:iam::123456789012:role/PersonalizeExportRole',
  jobOutput: { s3DataDestination: { path: 's3://demo-exports/items/' } },
};
const chart = new Chart(new App(), 'exports');
new DatasetExportJob(chart, 'weekly', { metadata: { name: 'weekly' }, spec });
// @ts-expect-error the spec is typed: ingestionMode is BULK, PUT or ALL
new DatasetExportJob(chart, 'typo', { spec: { ...spec, ingestionMode: 'SOME' } });
new DatasetExportSchedule(chart, 'nightly', { spec: { schedule: '0 3 * * *', jobTemplate: { spec } } });
// @ts-expect-error a schedule's spec is typed too: the schedule is required
new DatasetExportSchedule(chart, 'unscheduled', { spec: { jobTemplate: { spec } } });

const app = new TerraformApp({ outdir: 'cdktf.out' });
new PersonalizeOperator(new TerraformStack(app, 'operator'), 'operator', {});
new DatasetExportJobResource(new TerraformStack(app, 'jobs'), 'weekly', { name: 'weekly', namespace: 'ml', spec });
console.log(JSON.stringify({ kinds: chart.toJson().map((o) => o.kind), chart: BUNDLED_CHART }));
`;

/** The TypeScript examples of README.md and docs/ (`doc-test: compile`). */
const examples = docPages()
  .flatMap((p) => p.blocks)
  .filter((b) => typeof b.marker === 'object' && b.marker.mode === 'compile');

interface PackageManifest {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

/** Unpacks a tarball where `npm install` would put it, and returns its folder and manifest. */
async function unpack(tarball: string, modules: string, name: string) {
  const installed = join(modules, name);
  mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as PackageManifest;
  return { installed, manifest };
}

describe('the npm packages', () => {
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), 'package-consumer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('personalize-operator: the CLI with its runtime, the chart and the CRDs, built, with no install script', async () => {
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', dir], {
      cwd: root,
      maxBuffer: 16 << 20,
    });
    const tarball = join(dir, stdout.trim().split('\n').pop() ?? '');
    const { installed, manifest } = await unpack(
      tarball,
      join(dir, 'operator', 'node_modules'),
      'personalize-operator',
    );
    for (const script of INSTALL_SCRIPTS) expect(manifest.scripts ?? {}, script).not.toHaveProperty(script);
    expect(manifest.bin).toEqual({ 'personalize-operator': 'dist/src/cli/main.js' });
    expect(existsSync(join(installed, 'dist/src/cli/main.js'))).toBe(true);
    expect(manifest.dependencies).toHaveProperty('@kubernetes/client-node');
    expect(existsSync(join(installed, 'charts/personalize-operator/Chart.yaml'))).toBe(true);
    expect(readdirSync(join(installed, 'crds'))).toHaveLength(crds().length);
  }, 120_000);

  it("personalize-operator-constructs: a strict app compiles against it with its peers alone and runs the docs' examples", async () => {
    const tarball = packConstructs(dir);
    const modules = join(dir, 'node_modules');
    const { installed, manifest } = await unpack(tarball, modules, CONSTRUCTS_PACKAGE);
    // Nothing runs on the consumer's machine, and nothing of the operator's runtime comes with it.
    for (const script of INSTALL_SCRIPTS) expect(manifest.scripts ?? {}, script).not.toHaveProperty(script);
    expect(manifest.dependencies).toBeUndefined();
    expect(existsSync(join(installed, 'dist/src/constructs/cdk8s.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist/src/cli'))).toBe(false);
    // The peers and Node's types, and nothing else: a construct reaching for client-node fails to compile.
    mkdirSync(join(modules, '@cdktf'), { recursive: true });
    for (const name of [
      'cdk8s',
      'constructs',
      'cdktf',
      '@cdktf/provider-helm',
      '@cdktf/provider-kubernetes',
      '@types',
    ])
      symlinkSync(join(root, 'node_modules', name), join(modules, name));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', type: 'module', private: true }),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'out',
        },
        files: ['app.ts', ...examples.map((_, i) => `doc-${i}.ts`)],
      }),
    );
    writeFileSync(join(dir, 'app.ts'), CONSUMER);
    examples.forEach((block, i) => {
      writeFileSync(join(dir, `doc-${i}.ts`), block.code);
    });
    const tsc = await run(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: dir }).catch(
      (e: { stdout: string }) => ({ stdout: e.stdout, failed: true }),
    );
    expect(tsc, tsc.stdout).not.toHaveProperty('failed');

    const out = await run(process.execPath, ['out/app.js'], { cwd: dir });
    const result = JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}') as {
      kinds: string[];
      chart: string;
    };
    expect(result.kinds).toEqual([
      'DatasetExportJob',
      'DatasetExportJob',
      'DatasetExportSchedule',
      'DatasetExportSchedule',
    ]);
    expect(result.chart).toBe(join(installed, 'charts', 'personalize-operator'));
    expect(existsSync(join(result.chart, 'Chart.yaml'))).toBe(true);

    // The docs' examples, as written, each run in a folder of its own: what they synthesize is what a user gets.
    for (const [i, block] of examples.entries()) {
      const cwd = join(dir, `run-${i}`);
      mkdirSync(cwd);
      await run(process.execPath, [join(dir, 'out', `doc-${i}.js`)], { cwd }).catch(
        (e: { stderr: string }) => {
          throw new Error(`${block.page}:${block.line} failed when run:\n${e.stderr}`);
        },
      );
      const synthesized = [
        ...readdirIfAny(join(cwd, 'dist')).map((f) => join('dist', f)),
        ...readdirIfAny(join(cwd, 'cdktf.out', 'stacks')).map((f) =>
          join('cdktf.out', 'stacks', f, 'cdk.tf.json'),
        ),
      ];
      expect(synthesized.length, `${block.page}:${block.line} synthesized nothing`).toBeGreaterThan(0);
      for (const file of synthesized) expect(existsSync(join(cwd, file)), file).toBe(true);
      const text = synthesized.map((f) => readFileSync(join(cwd, f), 'utf8')).join('\n');
      expect(text).toContain('personalize.ops.dev/v1alpha1');
    }
  }, 180_000);
});

const readdirIfAny = (path: string) => (existsSync(path) ? readdirSync(path) : []);
