import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/local/package-root.js';

const run = promisify(execFile);

describe('the CLI logger', () => {
  // In a child process: the test runner's own process keeps Node's warning printer.
  it('turns process warnings into structured log lines instead of plain text on stderr', async () => {
    const script = `
      import { createLogger, logProcessWarnings } from ${JSON.stringify(join(packageRoot(), 'src/cli/logger.ts'))};
      const logger = createLogger('personalize-operator', 'info');
      logProcessWarnings(logger);
      process.emitWarning('The AWS SDK will require node >=22.', 'NodeVersionSupportWarning');
      process.emitWarning('old API', { type: 'DeprecationWarning', code: 'DEP0999' });
    `;
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(stderr).toBe('');
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toMatchObject([
      { level: 40, warning: 'NodeVersionSupportWarning', msg: 'The AWS SDK will require node >=22.' },
      { level: 40, warning: 'DeprecationWarning', code: 'DEP0999', msg: 'old API' },
    ]);
  });
});
