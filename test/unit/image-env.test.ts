import { describe, expect, it } from 'vitest';
import { imageEntrypoint, imageEnv } from '../../src/local/image-env.js';

describe("the image's environment, read from the Dockerfile", () => {
  it('takes the runtime stage only, with every assignment form', () => {
    const dockerfile = [
      'FROM node:24 AS build',
      'ENV BUILD_ONLY=1',
      'FROM node:24 AS runtime',
      'ENV NODE_ENV=production',
      'ENV A=1 B="two words" C=',
      'RUN true',
    ].join('\n');
    expect(imageEnv(dockerfile)).toEqual({ NODE_ENV: 'production', A: '1', B: 'two words', C: '' });
  });

  it('refuses a line it cannot read rather than guessing', () => {
    expect(() => imageEnv('FROM x\nENV NODE_ENV production\n')).toThrow(
      'Dockerfile: cannot read "ENV NODE_ENV production": expected NAME=value or NAME="value"',
    );
  });

  it("reads this repository's Dockerfile", () => {
    expect(imageEnv()).toMatchObject({ NODE_ENV: 'production' });
  });

  it('reads the Node flags and the script of the exec-form ENTRYPOINT, and refuses another form', () => {
    const dockerfile = (entrypoint: string) =>
      `FROM a AS build\nENTRYPOINT ["x"]\nFROM b\nWORKDIR /app\n${entrypoint}\n`;
    expect(
      imageEntrypoint(dockerfile('ENTRYPOINT ["node", "--a", "--b=1", "/app/dist/main.js", "--c"]')),
    ).toEqual({
      nodeFlags: ['--a', '--b=1'],
      script: 'dist/main.js',
    });
    expect(imageEntrypoint(dockerfile('ENTRYPOINT ["node", "main.js"]'))).toEqual({
      nodeFlags: [],
      script: 'main.js',
    });
    expect(() => imageEntrypoint(dockerfile('ENTRYPOINT ["bash", "-c", "node x"]'))).toThrow(/exec form/);
    expect(() => imageEntrypoint(dockerfile('ENTRYPOINT ["node", "--a"]'))).toThrow(/names no script/);
    expect(() => imageEntrypoint('FROM b\nCMD ["run"]\n')).toThrow(/no ENTRYPOINT/);
    expect(imageEntrypoint()).toEqual({
      nodeFlags: expect.arrayContaining(['--heap-growing-percent=20']),
      script: 'dist/bundle/main.js',
    });
  });
});
