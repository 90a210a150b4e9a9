/**
 * `npm run synth`: writes every generated file (CRDs, install bundle, the chart's CRDs and dashboard, the API
 * reference pages) into the repository.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../local/package-root.js';
import { renderManifests } from './render.js';

for (const [path, content] of Object.entries(renderManifests())) {
  const file = join(packageRoot(), path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  console.log(`wrote ${path}`);
}
