// The TLS certificate that STARTTLS (RFC 3207 for SMTP, RFC 3501 §6.2.1 for IMAP) offers: self-signed for
// the mail domain, localhost and 127.0.0.1, generated on first start and kept in <dataDir>/tls/ (key 0600).
// It is reused afterwards, so clients that accepted it once (Thunderbird's exception) keep trusting it;
// it is only replaced when it no longer covers the domain or expires within 30 days.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';
import { writePrivateFile } from '../accounts/private-file.ts';

export interface TlsCredentials {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, for the operator to compare with what the mail client shows. */
  fingerprint: string;
}

const VALIDITY_DAYS = 3650;
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

function isUsable(cert: string, domain: string): boolean {
  try {
    const certificate = new X509Certificate(cert);
    const expires = new Date(certificate.validTo).getTime();
    return expires - Date.now() > RENEW_BEFORE_MS && certificate.checkHost(domain) !== undefined;
  } catch {
    // An unreadable certificate file is replaced by a new one; that is the whole remedy.
    return false;
  }
}

/** Loads the certificate from `<dataDir>/tls/`, generating (and saving) one when missing or unusable. */
export async function ensureSelfSignedCertificate(options: { dataDir: string; domain: string }): Promise<TlsCredentials> {
  const directory = path.join(options.dataDir, 'tls');
  const keyFile = path.join(directory, 'key.pem');
  const certFile = path.join(directory, 'cert.pem');
  const domain = options.domain.toLowerCase();
  if (existsSync(keyFile) && existsSync(certFile)) {
    const key = readFileSync(keyFile, 'utf8');
    const cert = readFileSync(certFile, 'utf8');
    if (isUsable(cert, domain)) return { key, cert, fingerprint: new X509Certificate(cert).fingerprint256 };
  }
  const notBeforeDate = new Date(Date.now() - 60_000); // a minute of slack for clients with a slow clock
  const generated = await generate([{ name: 'commonName', value: domain }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: domain },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  // Key first: a crash between the two writes leaves a key without a certificate, which regenerates.
  writePrivateFile(keyFile, generated.private);
  writePrivateFile(certFile, generated.cert);
  return { key: generated.private, cert: generated.cert, fingerprint: new X509Certificate(generated.cert).fingerprint256 };
}
