import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { defaultCcKnobs } from '../sandbox/constantcontact/cc-knobs.ts';
import { defaultPlatformKnobs } from '../sandbox/platform/platform-knobs.ts';
import { SETTINGS } from '../src/config/settings.ts';

const readme = readFileSync('README.md', 'utf8');
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const ROOT = resolve('.');
const outsideRepository = (path: string) => {
  const rel = relative(ROOT, path);
  return rel === '..' || rel.startsWith(`..${sep}`);
};

/**
 * Where a file reaches outside the repository: a path into a `shared` folder that resolves outside it (an
 * import from the file's folder, anything else from the repository root, where the tests run), or an
 * absolute path under the machine's work folder. A clone has neither beside it.
 */
export function pathsOutsideRepository(file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(from\s+|import\(\s*)?(['"`])((?:\.\.\/)+shared\b[^'"`]*)\2/g)) {
    const [, importing, , path] = match;
    const fromFile = resolve(dirname(resolve(file)), path!);
    const leaves = importing ? outsideRepository(fromFile) : outsideRepository(resolve(ROOT, path!));
    if (leaves || outsideRepository(fromFile)) found.push(path!);
  }
  for (const match of text.matchAll(/\/work(?:\/[\w.-]+)+/g)) found.push(match[0]);
  return found;
}

function repositoryFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? repositoryFiles(path) : [path];
  });
}

describe('documentation', () => {
  it('docs/fidelity.md names every knob of both emulators', () => {
    const fidelity = readFileSync('docs/fidelity.md', 'utf8');
    for (const knob of [...Object.keys(defaultCcKnobs), ...Object.keys(defaultPlatformKnobs)]) {
      assert.ok(fidelity.includes(`\`${knob}\``), `docs/fidelity.md does not name the knob ${knob}`);
    }
  });

  it('every guess in docs/fidelity.md names its knob, or says there is none and why the connector does not mind', () => {
    const lines = readFileSync('docs/fidelity.md', 'utf8').split('\n');
    // Body rows only: not the separators, nor the headers above them.
    const rows = lines
      .filter(
        (line, i) => line.startsWith('| ') && !line.startsWith('| -') && !lines[i + 1]?.startsWith('| -'),
      )
      .map((line) => line.slice(2, -2).split(' | '));
    const guesses = rows.filter((cells) => /guess/.test(cells.at(-1) ?? ''));
    assert.ok(guesses.length > 10);
    for (const cells of guesses) {
      assert.match(
        cells.at(-1)!,
        /(knob|option)s? `[^`]+`|No knob: .*(does not depend|never|does not read|relies|depend)/,
        `docs/fidelity.md: "${cells[0]!.trim()}" is a guess without its knob`,
      );
    }
  });

  it('nothing in the repository reads files beside it or under an absolute work folder', () => {
    const offending = ['src', 'sandbox', 'test', 'scripts', 'bench', '.ci']
      .flatMap(repositoryFiles)
      .flatMap((file) => {
        const text = readFileSync(file);
        if (text.includes(0)) return [];
        return pathsOutsideRepository(file, text.toString('utf8')).map((path) => `${file}: ${path}`);
      });
    assert.deepEqual(offending, []);
  });

  it('the scan above finds what it looks for', () => {
    const shared = ['..', 'shared', 'specs', 'cc.yaml'].join('/');
    const work = ['', 'work', 'main', 'test'].join('/');
    assert.deepEqual(pathsOutsideRepository('test/a.test.ts', `readFileSync('${shared}')`), [shared]);
    assert.deepEqual(pathsOutsideRepository('test/a.test.ts', `import x from '../${shared}';`), [
      `../${shared}`,
    ]);
    assert.deepEqual(pathsOutsideRepository('test/a.test.ts', `import '${work}/helpers.ts';`), [
      `${work}/helpers.ts`,
    ]);
    // The sandbox's own `shared` folder is inside the repository.
    const sandboxImport = `import { systemClock } from '${['..', 'shared', 'clock.ts'].join('/')}';`;
    assert.deepEqual(pathsOutsideRepository('sandbox/platform/index.ts', sandboxImport), []);
  });

  it('README documents every setting the connector reads', () => {
    for (const setting of SETTINGS) {
      assert.match(
        readme,
        new RegExp(`^\\|\\s*\`${setting.name}\`\\s*\\|`, 'm'),
        `${setting.name} is missing from README`,
      );
    }
  });

  it('README shows the two commands of a fresh machine, and every npm script it names exists', () => {
    assert.ok(readme.includes('npm install && npm start'));
    assert.ok(readme.includes('npm test'));
    for (const [, script] of readme.matchAll(/npm run ([a-z:]+)/g)) {
      assert.ok(
        script && packageJson.scripts[script],
        `README names "npm run ${script}", which package.json lacks`,
      );
    }
  });

  it('docs/errors.md lists every error code the connector raises, and no code twice', () => {
    const errorsDoc = readFileSync('docs/errors.md', 'utf8');
    const codes = new Map<string, string>();
    for (const file of sourceFiles('src')) {
      for (const [, code] of readFileSync(file, 'utf8').matchAll(/readonly code = '([A-Z_]+)'/g)) {
        if (!code) continue;
        assert.ok(
          !codes.has(code) || codes.get(code) === file,
          `${code} is defined in ${codes.get(code)} and ${file}`,
        );
        codes.set(code, file);
      }
    }
    assert.ok(codes.size > 0);
    for (const code of codes.keys()) {
      assert.match(
        errorsDoc,
        new RegExp(`^\\|\\s*\`${code}\`\\s*\\|`, 'm'),
        `${code} is not documented in docs/errors.md`,
      );
    }
  });
});
