import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authenticateTenant, parseBasicAuth } from '../../src/web/tenant-basic-auth.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const tenant = { id: 'acme', apiId: 'api-id', apiKey: 'key-12' } as Parameters<
  typeof authenticateTenant
>[0] extends ReadonlyMap<string, infer T>
  ? T
  : never;
const tenants = new Map([['acme', tenant]]);

describe('HTTP Basic credentials', () => {
  it('reads a header written as RFC 7617 says, whatever the case of the scheme', () => {
    assert.deepEqual(parseBasicAuth(`Basic ${b64('api-id:key-12')}`), { user: 'api-id', password: 'key-12' });
    assert.deepEqual(parseBasicAuth(`basic ${b64('api-id:a:b')}`), { user: 'api-id', password: 'a:b' });
    assert.equal(authenticateTenant(tenants, 'acme', `Basic ${b64('api-id:key-12')}`), tenant);
  });

  it('refuses loosely written base64 that a lenient decoder would still read as the valid key', () => {
    const good = b64('api-id:key-12'); // ends in "==": padding and unused bits matter
    assert.ok(good.endsWith('='), 'the example needs padding');
    const loose = [
      ['padding missing', `Basic ${good.replace(/=+$/, '')}`],
      ['padding doubled', `Basic ${good}=`],
      ['a space inside', `Basic ${good.slice(0, 4)} ${good.slice(4)}`],
      ['a trailing space', `Basic ${good} `],
      ['a tab for the space', `Basic\t${good}`],
      ['URL-safe alphabet', `Basic ${b64('api-id:key?>~').replace(/\+/g, '-').replace(/\//g, '_')}`],
      [
        'non-canonical last bits',
        `Basic ${good.replace(/.(=+)$/, (_m, pad) => `${String.fromCharCode(good.at(-1 - pad.length)!.charCodeAt(0) + 1)}${pad}`)}`,
      ],
      ['no scheme', good],
      ['another scheme', `Bearer ${good}`],
    ] as const;
    for (const [what, header] of loose) {
      assert.equal(authenticateTenant(tenants, 'acme', header), null, what);
    }
    const lenient = (header: string) => Buffer.from(header.replace(/^\S+\s*/, ''), 'base64').toString();
    for (const what of ['padding missing', 'padding doubled', 'non-canonical last bits']) {
      const header = loose.find(([w]) => w === what)![1];
      assert.equal(lenient(header), 'api-id:key-12', `${what}: a lenient decoder reads the key`);
    }
  });

  it('refuses credentials without a colon or not in UTF-8, and a wrong key or tenant', () => {
    assert.equal(parseBasicAuth(`Basic ${b64('api-id')}`), null);
    assert.equal(parseBasicAuth(`Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`), null);
    assert.equal(authenticateTenant(tenants, 'acme', `Basic ${b64('api-id:key-2')}`), null);
    assert.equal(authenticateTenant(tenants, 'other', `Basic ${b64('api-id:key-12')}`), null);
    assert.equal(authenticateTenant(tenants, 'acme', undefined), null);
  });
});
