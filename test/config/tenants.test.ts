import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { parseTenants } from '../../src/config/tenants.ts';

const CERT = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(120)}\n-----END CERTIFICATE-----`;
const tenant = {
  id: 'maestrano',
  apiId: 'app-1',
  apiKey: 'key-1',
  connecHost: 'http://127.0.0.1:4000',
  idpSsoUrl: 'http://127.0.0.1:4000/saml/sso',
  idpCertificate: CERT,
  dashboardUrl: 'http://127.0.0.1:4000/dashboard',
};

function errorOf(text: string): string {
  try {
    parseTenants(text, 'tenants.json');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.ok(!error.message.includes('\n'));
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

describe('tenants file', () => {
  it('loads the tenants named by TENANTS_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
    const file = join(dir, 'tenants.json');
    writeFileSync(file, JSON.stringify([tenant, { ...tenant, id: 'other', name: 'Other marketplace' }]));
    const config = loadConfig({ TENANTS_FILE: file });
    assert.deepEqual(
      config.tenants.map((t) => t.id),
      ['maestrano', 'other'],
    );
    assert.equal(config.tenants[0]?.connecHost, 'http://127.0.0.1:4000');
  });

  it('says where the file is wrong', () => {
    assert.match(errorOf('{ not json'), /^TENANTS_FILE \(tenants.json\): not valid JSON/);
    assert.match(errorOf('{}'), /^TENANTS_FILE \(tenants.json\): tenants: .*array/);
    assert.match(
      errorOf(JSON.stringify([tenant, { ...tenant, connecHost: 'nowhere' }])),
      /^TENANTS_FILE \(tenants.json\): tenants\[1\]\.connecHost: .*\(example entry: \{"id":"maestrano"/,
    );
    assert.match(errorOf(JSON.stringify([{ ...tenant, apiKey: undefined }])), /tenants\[0\]\.apiKey/);
    assert.match(
      errorOf(JSON.stringify([{ ...tenant, id: 'Bad Id' }])),
      /tenants\[0\]\.id: must be lowercase/,
    );
    assert.match(
      errorOf(JSON.stringify([tenant, tenant])),
      /tenants\[1\]\.id: duplicate tenant id "maestrano"/,
    );
  });
});
