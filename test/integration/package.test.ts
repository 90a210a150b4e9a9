import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/local/package-root.js';

const run = promisify(execFile);

const CONSUMER = `import { App, Chart } from 'cdk8s';
import { App as TerraformApp, TerraformStack } from 'cdktf';
import { DatasetExportJob, type DatasetExportJobSpec, DatasetExportSchedule } from 'personalize-operator/cdk8s';
import { BUNDLED_CHART, DatasetExportJobResource, PersonalizeOperator } from 'personalize-operator/cdktf';

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

/**
 * What a user of the npm package gets: the tarball `npm pack` makes, unpacked where `npm install` would put
 * it, its dependencies resolved beside it, and a TypeScript app compiled against it with strict settings.
 */
describe('the npm package', () => {
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), 'package-consumer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships declarations a TypeScript cdk8s/CDKTF app compiles against, and the Helm chart', async () => {
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', dir], {
      cwd: root,
      maxBuffer: 16 << 20,
    });
    const tarball = join(dir, stdout.trim().split('\n').pop() ?? '');
    const modules = join(dir, 'node_modules');
    const installed = join(modules, 'personalize-operator');
    mkdirSync(join(modules, '@cdktf'), { recursive: true });
    mkdirSync(installed);
    await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    // Nothing runs on the consumer's machine at install: dist/ ships built.
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(manifest.scripts, script).not.toHaveProperty(script);
    expect(existsSync(join(installed, 'dist/src/constructs/cdk8s.js'))).toBe(true);
    // Only what a constructs user installs: the peers, and Node's types. No client-node, so the constructs'
    // declarations and code must not reach for it.
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
        files: ['app.ts'],
      }),
    );
    writeFileSync(join(dir, 'app.ts'), CONSUMER);
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
    expect(existsSync(join(installed, 'crds'))).toBe(true);
  }, 180_000);
});
