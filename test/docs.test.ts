import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

describe('documentation', () => {
  it('docs/fidelity.md names every knob of both emulators', () => {
    const fidelity = readFileSync('docs/fidelity.md', 'utf8');
    for (const knob of [...Object.keys(defaultCcKnobs), ...Object.keys(defaultPlatformKnobs)]) {
      assert.ok(fidelity.includes(`\`${knob}\``), `docs/fidelity.md does not name the knob ${knob}`);
    }
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
