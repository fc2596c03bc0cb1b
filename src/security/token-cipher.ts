import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConnectorError } from '../errors.ts';

export class SecretUnreadableError extends ConnectorError {
  readonly code = 'SECRET_UNREADABLE';
}

const FORMAT = 'enc1';

/** A key's version is a short fingerprint of the key itself, so no version number has to be configured. */
export function keyVersion(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function decodeKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new SecretUnreadableError('An encryption key must be 32 bytes in base64.');
  return key;
}

/**
 * Encrypts secrets at rest with AES-256-GCM. A value reads `enc1.<key version>.<iv>.<ciphertext>.<tag>`
 * (base64url parts), so values written under an older key stay readable while that key is listed as a
 * previous one, and can be re-encrypted under the current key.
 *
 * `context` is bound to the value as additional authenticated data (e.g. `org:42:access_token`): a value
 * copied to another row or column fails to decrypt instead of handing out another organization's token.
 */
export class TokenCipher {
  readonly #current: { version: string; key: Buffer };
  readonly #keys = new Map<string, Buffer>();

  constructor(currentKeyBase64: string, previousKeysBase64: readonly string[] = []) {
    const current = decodeKey(currentKeyBase64);
    this.#current = { version: keyVersion(current), key: current };
    for (const k of [currentKeyBase64, ...previousKeysBase64]) {
      const key = decodeKey(k);
      this.#keys.set(keyVersion(key), key);
    }
  }

  get currentVersion(): string {
    return this.#current.version;
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return [FORMAT, this.#current.version, ...parts].join('.');
  }

  /** Throws `SecretUnreadableError` when the value was altered, bound to another context, or its key is unknown. */
  decrypt(value: string, context: string): string {
    const parts = value.split('.');
    const [format, version, iv, ciphertext, tag] = parts;
    if (parts.length !== 5 || format !== FORMAT || !version || !iv || ciphertext === undefined || !tag) {
      throw new SecretUnreadableError(
        `A stored secret (${context}) is not in the encrypted format; it was altered.`,
      );
    }
    const key = this.#keys.get(version);
    if (!key) {
      throw new SecretUnreadableError(
        `A stored secret (${context}) was encrypted with key ${version}, which is not configured. Add that key to ENCRYPTION_PREVIOUS_KEYS.`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch (cause) {
      throw new SecretUnreadableError(
        `A stored secret (${context}) failed its integrity check: it was altered or belongs elsewhere.`,
        { cause },
      );
    }
  }

  /** True when the value is under a previous key and should be re-encrypted. */
  isStale(value: string): boolean {
    return value.split('.')[1] !== this.#current.version;
  }
}
