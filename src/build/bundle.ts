/**
 * Bundles the operator for the container image: `npm run bundle` writes dist/bundle/, which the image runs
 * with no node_modules.
 */
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { packageRoot } from '../local/package-root.js';

const BUILTIN = new RegExp(`^(node:)?(${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`);

/**
 * Node's built-in modules loaded with require(), not import. An ESM import of a built-in reads every export
 * of it, lazy ones included: `node:http` exports WebSocket, CloseEvent and MessageEvent lazily, from the
 * undici inside Node, so importing it loaded that undici (a 0.8 MB source, 17 MB of RSS in a bare process)
 * for code that never uses them.
 */
const builtinsByRequire: Plugin = {
  name: 'builtins-by-require',
  setup(build) {
    build.onResolve({ filter: BUILTIN }, (args) =>
      args.kind === 'require-call'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

async function main(): Promise<void> {
  const root = packageRoot();
  await build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    outdir: join(root, 'dist/bundle'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    // A chunk per command: `run` in a container never loads the emulator or the local control plane.
    splitting: true,
    minify: true,
    // Class and function names stay, for errors' names and logged types.
    keepNames: true,
    sourcemap: true,
    legalComments: 'external',
    logLevel: 'warning',
    // Bundled CommonJS modules call require(); an ES module has none of its own.
    banner: {
      js: "import{createRequire as __bundleRequire}from'node:module';const require=__bundleRequire(import.meta.url);",
    },
    plugins: [builtinsByRequire],
  });
}

await main();
