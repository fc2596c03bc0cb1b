// Runs the test suite with node's test runner. Node 20 does not expand globs for `--test`, so the file list
// is built here. Arguments narrow the run to files or folders: `npm test -- test/db`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function collect(path) {
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path)
    .sort()
    .flatMap((name) => collect(join(path, name)));
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : ['test']).flatMap(collect).map((f) => relative('.', f));
if (files.length === 0) {
  console.error(`No test files under ${roots.join(', ') || 'test'}.`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    '--test-timeout=300000',
    '--test-force-exit',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
