// Enforces the product's budget: the JavaScript a browser must load before the app starts (the
// scripts and module preloads named by index.html) stays under 150 KB gzip. Angular's own budget
// only counts raw bytes, so this measures what actually goes over the wire. angular.json keeps a
// raw error only as a backstop (700 kB, more than minified code under this limit reaches) and no
// raw warning: one below this limit would fire on builds that are within budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

const LIMIT_BYTES = 150 * 1024;

const browserDir = fileURLToPath(new URL('../dist/web/browser/', import.meta.url));
const indexHtml = readFileSync(join(browserDir, 'index.html'), 'utf8');

const initialScripts = new Set<string>();
for (const tag of indexHtml.matchAll(/<(script|link)\b[^>]*>/gi)) {
  const element = tag[0];
  const isScript = tag[1]?.toLowerCase() === 'script';
  const isModulePreload = /\brel=["']?modulepreload\b/i.test(element);
  if (!isScript && !isModulePreload) continue;
  const url = /\b(?:src|href)=["']?([^"'\s>]+)/i.exec(element)?.[1];
  if (url === undefined || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(url)) continue;
  initialScripts.add(url.replace(/^\//, ''));
}

if (initialScripts.size === 0) {
  console.error('bundle-size: index.html references no scripts; is dist/web/browser a real build?');
  process.exit(1);
}

let rawTotal = 0;
let gzipTotal = 0;
for (const file of [...initialScripts].sort()) {
  const bytes = readFileSync(join(browserDir, file));
  const gzipped = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).byteLength;
  rawTotal += bytes.byteLength;
  gzipTotal += gzipped;
  console.log(
    `  ${file.padEnd(28)} ${kb(bytes.byteLength).padStart(10)} ${kb(gzipped).padStart(10)} gzip`,
  );
}

const summary = `Initial JavaScript: ${kb(rawTotal)} raw, ${kb(gzipTotal)} gzip (limit ${kb(LIMIT_BYTES)} gzip)`;
if (gzipTotal > LIMIT_BYTES) {
  console.error(`${summary} — over budget.`);
  process.exit(1);
}
console.log(summary);

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
