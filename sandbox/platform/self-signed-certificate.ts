import {
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';

/** A signing key and its self-signed X.509 certificate, both PEM. */
export interface SigningIdentity {
  privateKeyPem: string;
  certificatePem: string;
  privateKey: KeyObject;
}

// No ASN.1 library is installed, and a certificate needs only a handful of DER shapes, so they are written
// here rather than pulling in node-forge for one function.
function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...items: Buffer[]) => der(0x30, ...items);
const set = (...items: Buffer[]) => der(0x31, ...items);
const nullValue = () => der(0x05);
const utf8 = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const bitString = (bytes: Buffer) => der(0x03, Buffer.from([0]), bytes);
const explicit = (tagNumber: number, inner: Buffer) => der(0xa0 | tagNumber, inner);

function positiveInteger(bytes: Buffer): Buffer {
  // DER integers are signed: a leading 1 bit would make the serial negative.
  const body = bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return der(0x02, body);
}

// A leading zero byte would be a non-minimal DER integer, which strict parsers reject.
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes;
}

function objectIdentifier(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = arc >>> 7; n > 0; n >>>= 7) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-01-01T00:00:00.000Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return der(0x17, Buffer.from(text, 'ascii'));
}

const commonName = (cn: string) => sequence(set(sequence(objectIdentifier('2.5.4.3'), utf8(cn))));
const sha256WithRsa = () => sequence(objectIdentifier('1.2.840.113549.1.1.11'), nullValue());

/**
 * Makes a 2048-bit RSA key and a self-signed certificate for it (sha256WithRSAEncryption), valid from a day
 * before `now` for ten years. Good enough for an IdP whose certificate is handed to the service provider.
 */
export function createSigningIdentity(commonNameText: string, now: Date = new Date()): SigningIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const notBefore = new Date(now.getTime() - 24 * 3600_000);
  const notAfter = new Date(now.getTime() + 10 * 365 * 24 * 3600_000);
  const name = commonName(commonNameText);
  const tbs = sequence(
    explicit(0, positiveInteger(Buffer.from([2]))), // version v3
    positiveInteger(serialNumber()),
    sha256WithRsa(),
    name,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, sha256WithRsa(), bitString(signature));
  const base64 = certificate.toString('base64').replace(/(.{64})/g, '$1\n');
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`;
  // Parsing it back proves the DER is well formed before anyone relies on it.
  if (!new X509Certificate(certificatePem).verify(publicKey)) {
    throw new Error('self-signed certificate does not verify with its own key');
  }
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { privateKeyPem, certificatePem, privateKey: createPrivateKey(privateKeyPem) };
}
