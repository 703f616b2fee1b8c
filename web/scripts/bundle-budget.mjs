// Fails when the production bundle's JavaScript exceeds the first-load budget
// (miniapp.md: 250 KB gzipped). Every .js in dist/assets counts, lazy chunks included,
// which overestimates first load and so keeps the check on the safe side.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 250 * 1024;
const assets = new URL('../dist/assets/', import.meta.url).pathname;

let files;
try {
  files = readdirSync(assets).filter((name) => name.endsWith('.js'));
} catch {
  console.error(`bundle-budget: ${assets} not found; run "npm run build" first`);
  process.exit(2);
}

let total = 0;
for (const name of files) {
  const path = join(assets, name);
  const gzipped = gzipSync(readFileSync(path), { level: 9 }).length;
  total += gzipped;
  console.log(`${name}: ${(statSync(path).size / 1024).toFixed(1)} KB raw, ${(gzipped / 1024).toFixed(1)} KB gzip`);
}
const verdict = total <= BUDGET_BYTES ? 'OK' : 'OVER BUDGET';
console.log(`JS total: ${(total / 1024).toFixed(1)} KB gzip of ${BUDGET_BYTES / 1024} KB budget: ${verdict}`);
process.exit(total <= BUDGET_BYTES ? 0 : 1);
