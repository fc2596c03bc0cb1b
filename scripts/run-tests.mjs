// Runs the test suite with node's test runner. Node 20 does not expand globs for `--test`, so the file list
// is built here. Arguments narrow the run to files or folders: `npm test -- test/db`.
//
// Outside CI, a machine without PostgreSQL, Redis or Debian's chromium still runs everything else: the
// suites that need them are left out and the run says so, before and after, with how to run it all. In
// CI (CI=true) nothing is left out: a missing service fails the tests that need it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative, sep } from 'node:path';

function collect(path) {
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path)
    .sort()
    .flatMap((name) => collect(join(path, name)));
}

/** True when something accepts a TCP connection at host:port within two seconds. */
function answers(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const roots = process.argv.slice(2);
let files = (roots.length > 0 ? roots : ['test']).flatMap(collect).map((f) => relative('.', f));
if (files.length === 0) {
  console.error(`No test files under ${roots.join(', ') || 'test'}.`);
  process.exit(1);
}

const env = { ...process.env };
const skipped = [];
if (env.CI !== 'true') {
  if (env.TEST_DATABASES === undefined) {
    const url = new URL(env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    if (!(await answers(url.hostname, Number(url.port || 5432)))) {
      env.TEST_DATABASES = 'sqlite';
      skipped.push(
        `the PostgreSQL runs of the storage suites: nothing answers at ${url.host} ` +
          '(start PostgreSQL there, or set TEST_POSTGRES_URL)',
      );
    }
  }
  const redisUrl = new URL(env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const redisTests = files.filter((f) => f.endsWith('.redis.test.ts'));
  if (redisTests.length > 0 && !(await answers(redisUrl.hostname, Number(redisUrl.port || 6379)))) {
    files = files.filter((f) => !redisTests.includes(f));
    skipped.push(
      `${redisTests.length} scale-out test file(s) (*.redis.test.ts): nothing answers at ${redisUrl.host} ` +
        '(start Redis there, or set TEST_REDIS_URL)',
    );
  }
  const chromium = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const browserTests = files.filter((f) => f.split(sep).includes('browser'));
  if (browserTests.length > 0 && !existsSync(chromium)) {
    files = files.filter((f) => !browserTests.includes(f));
    skipped.push(
      `${browserTests.length} browser test file(s): no chromium at ${chromium} ` +
        "(install Debian's chromium with `apt-get install chromium`, or set CHROMIUM_PATH)",
    );
  }
}

function sayWhatIsSkipped() {
  if (skipped.length === 0) return;
  console.log('\nNot run on this machine:');
  for (const line of skipped) console.log(`  - ${line}`);
  console.log('Everything runs in CI (`bash .ci/run` installs and starts what is missing).\n');
}

sayWhatIsSkipped();
const result =
  files.length === 0
    ? { status: 0 }
    : spawnSync(
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
        { stdio: 'inherit', env },
      );
sayWhatIsSkipped();
process.exit(result.status ?? 1);
