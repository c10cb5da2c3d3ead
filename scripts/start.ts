// `npm start`: builds the web app when its build is missing or older than its sources, then runs
// the server in this same process (so SIGTERM/SIGINT reach the server's graceful shutdown).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'apps', 'web');
const builtIndex = join(web, 'dist', 'web', 'browser', 'index.html');

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

function webBuildIsStale(): boolean {
  if (!existsSync(builtIndex)) return true;
  const sources = [
    'src',
    'public',
    'angular.json',
    'package.json',
    'tsconfig.json',
    'tsconfig.app.json',
  ]
    .map((name) => join(web, name))
    .filter((path) => existsSync(path));
  const contracts = join(root, 'packages', 'contracts', 'src');
  const newestSource = Math.max(...[...sources, contracts].map(newestChange));
  return newestSource > statSync(builtIndex).mtimeMs;
}

if (webBuildIsStale()) {
  const first = !existsSync(builtIndex);
  console.log(
    first
      ? 'Building the web app (first start; about a minute)…'
      : 'Building the web app (its sources changed)…',
  );
  const started = performance.now();
  // Angular's chunk table means nothing to someone starting Assay; it is shown only on failure.
  const build = spawnSync('npm', ['run', 'build', '--workspace', 'apps/web'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (build.status !== 0) {
    process.stdout.write(build.stdout);
    process.stderr.write(build.stderr);
    console.error('The web app failed to build; see the output above.');
    process.exit(build.status ?? 1);
  }
  console.log(`Built the web app in ${Math.round((performance.now() - started) / 1000)} s.`);
}

await import('../apps/server/src/server.ts');
