// The STARTTLS certificate: generated once for the domain, localhost and 127.0.0.1, key 0600, reused.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureSelfSignedCertificate } from '../../src/postoffice/tls/self-signed.ts';

describe('self-signed certificate', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-tls-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('covers the domain, localhost and 127.0.0.1, keeps the key private, and is reused', async () => {
    const first = await ensureSelfSignedCertificate({ dataDir, domain: 'swarm.local' });
    const certificate = new X509Certificate(first.cert);
    expect(certificate.checkHost('swarm.local')).toBe('swarm.local');
    expect(certificate.checkHost('localhost')).toBe('localhost');
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificate.checkPrivateKey((await import('node:crypto')).createPrivateKey(first.key))).toBe(true);
    expect(statSync(path.join(dataDir, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);

    const again = await ensureSelfSignedCertificate({ dataDir, domain: 'swarm.local' });
    expect(again.fingerprint).toBe(first.fingerprint);

    const otherDomain = await ensureSelfSignedCertificate({ dataDir, domain: 'hive.test' });
    expect(otherDomain.fingerprint).not.toBe(first.fingerprint);
    expect(new X509Certificate(otherDomain.cert).checkHost('hive.test')).toBe('hive.test');
  });
});
