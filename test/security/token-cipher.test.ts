import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { keyVersion, SecretUnreadableError, TokenCipher } from '../../src/security/token-cipher.ts';

const newKey = () => randomBytes(32).toString('base64');

describe('token encryption', () => {
  it('round-trips a token, with a fresh IV each time', () => {
    const cipher = new TokenCipher(newKey());
    const a = cipher.encrypt('secret-token', 'organization:1:access_token');
    const b = cipher.encrypt('secret-token', 'organization:1:access_token');
    assert.notEqual(a, b);
    assert.ok(!a.includes('secret-token'));
    assert.equal(cipher.decrypt(a, 'organization:1:access_token'), 'secret-token');
    assert.equal(cipher.decrypt(b, 'organization:1:access_token'), 'secret-token');
  });

  it('tags each value with the version of its key', () => {
    const key = newKey();
    const cipher = new TokenCipher(key);
    const value = cipher.encrypt('t', 'ctx');
    assert.equal(value.split('.')[1], keyVersion(Buffer.from(key, 'base64')));
    assert.equal(cipher.currentVersion, keyVersion(Buffer.from(key, 'base64')));
  });

  it('reads values under a previous key after rotation, and knows they are stale', () => {
    const oldKey = newKey();
    const before = new TokenCipher(oldKey).encrypt('old-token', 'ctx');
    const rotated = new TokenCipher(newKey(), [oldKey]);
    assert.equal(rotated.decrypt(before, 'ctx'), 'old-token');
    assert.equal(rotated.isStale(before), true);
    assert.equal(rotated.isStale(rotated.encrypt('new', 'ctx')), false);
  });

  it('fails loudly, naming the missing key, when the old key was dropped too soon', () => {
    const before = new TokenCipher(newKey()).encrypt('t', 'ctx');
    assert.throws(
      () => new TokenCipher(newKey()).decrypt(before, 'ctx'),
      (error) =>
        error instanceof SecretUnreadableError &&
        error.code === 'SECRET_UNREADABLE' &&
        /ENCRYPTION_PREVIOUS_KEYS/.test(error.message),
    );
  });

  it('fails loudly on any altered byte', () => {
    const cipher = new TokenCipher(newKey());
    const value = cipher.encrypt('a-rather-long-token-value', 'ctx');
    const parts = value.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      const tampered = parts.map((p, i) => (i === index ? bytes.toString('base64url') : p)).join('.');
      assert.throws(() => cipher.decrypt(tampered, 'ctx'), /failed its integrity check/);
    }
    assert.throws(() => cipher.decrypt('plain-text-token', 'ctx'), /not in the encrypted format/);
  });

  it('refuses a value moved to another organization or column', () => {
    const cipher = new TokenCipher(newKey());
    const value = cipher.encrypt('t', 'organization:1:access_token');
    assert.throws(() => cipher.decrypt(value, 'organization:2:access_token'), SecretUnreadableError);
    assert.throws(() => cipher.decrypt(value, 'organization:1:refresh_token'), SecretUnreadableError);
  });
});
