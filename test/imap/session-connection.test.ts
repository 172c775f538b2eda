// Connection-level behaviour: autologout timers with `* BYE` (RFC 3501 §5.4; IDLE counts as activity only
// when it starts), STARTTLS discarding pipelined plain-text commands (RFC 3501 §6.2.1, RFC 2595 §3.1),
// connection counting and server shutdown, and the failed-login delay schedule.
import * as tls from 'node:tls';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/postoffice/imap/session/login-throttle.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { RawImapClient, startTestServer } from './imap-test-server.ts';

describe('autologout', () => {
  it('says BYE to an unauthenticated client that stays silent, and to an authenticated one even while it idles', async () => {
    const server = await startTestServer({ timeouts: { unauthenticatedMs: 150, idleMs: 400 } });
    try {
      const silent = await RawImapClient.connect(server.port);
      expect(await silent.readLine()).toBe('* BYE Autologout; idle for too long');
      await waitFor(() => silent.closed, { what: 'the silent connection to close' });

      const idler = await RawImapClient.connect(server.port);
      await idler.command('a1', 'LOGIN alice alice-secret');
      idler.write('a2 IDLE\r\n');
      expect(await idler.readLine()).toBe('+ idling');
      expect(await idler.readLine()).toBe('* BYE Autologout; idle for too long');
      await waitFor(() => idler.closed, { what: 'the idling connection to close' });
      await waitFor(() => server.server.connections() === 0, { what: 'the server to forget both sessions' });
    } finally {
      await server.close();
    }
  });

  it('restarts the timer with every command, so a client that keeps talking stays logged in', async () => {
    const server = await startTestServer({ timeouts: { unauthenticatedMs: 800, idleMs: 800 } });
    try {
      const client = await RawImapClient.connect(server.port);
      // Twelve commands 100 ms apart span 1.2 s, longer than the timeout; each must be answered, not met with BYE.
      for (let index = 0; index < 12; index++) {
        if (index === 6) expect((await client.command('login', 'LOGIN alice alice-secret')).at(-1)).toMatch(/^login OK/);
        else expect(await client.command(`n${index}`, 'NOOP')).toEqual([`n${index} OK NOOP completed`]);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(client.closed).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('STARTTLS', () => {
  it('ignores plain-text commands pipelined after STARTTLS and serves the same socket over TLS', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 });
    const server = await startTestServer({ tls: { key: pems.private, cert: pems.cert } });
    try {
      const client = await RawImapClient.connect(server.port);
      const capabilities = await client.command('a0', 'CAPABILITY');
      expect(capabilities[0]).toContain(' STARTTLS');
      // `a2 LOGIN` rides in the same packet as STARTTLS: it must never run (command injection).
      client.write('a1 STARTTLS\r\na2 LOGIN alice alice-secret\r\n');
      expect(await client.readLine()).toBe('a1 OK Begin TLS negotiation now');
      client.socket.removeAllListeners('data');
      const secure = tls.connect({ socket: client.socket, rejectUnauthorized: false });
      await new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', () => resolve());
        secure.once('error', reject);
      });
      const received: string[] = [];
      secure.setEncoding('latin1');
      secure.on('data', (text: string) => received.push(text));
      secure.write('b1 CAPABILITY\r\n');
      await waitFor(() => received.join('').includes('b1 OK'), { what: 'CAPABILITY over TLS' });
      const reply = received.join('');
      expect(reply).not.toContain('a2');
      expect(reply).not.toContain('STARTTLS');
      expect(reply).toContain('AUTH=PLAIN');
      secure.write('b2 LOGIN alice alice-secret\r\nb3 STARTTLS\r\n');
      await waitFor(() => received.join('').includes('b3 '), { what: 'LOGIN and STARTTLS replies over TLS' });
      expect(received.join('')).toMatch(/b2 OK \[CAPABILITY [^\]]+\] Logged in\r\n/);
      expect(received.join('')).toMatch(/b3 BAD /);
      secure.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('server handle', () => {
  it('counts connections and closes them all with BYE on shutdown', async () => {
    const server = await startTestServer();
    const first = await RawImapClient.connect(server.port);
    const second = await RawImapClient.connect(server.port);
    await second.command('a1', 'LOGIN bob bob-secret');
    await waitFor(() => server.server.connections() === 2, { what: 'two connections' });
    const closing = server.close();
    expect(await first.readLine()).toBe('* BYE mailswarm shutting down');
    expect(await second.readLine()).toBe('* BYE mailswarm shutting down');
    await closing;
    await waitFor(() => first.closed && second.closed, { what: 'both sockets to close' });
  });
});

describe('failed-login delays', () => {
  it('answers the first failure at once, then doubles per failure up to the cap, and forgets on success', () => {
    const throttle = new LoginThrottle({ baseDelayMs: 500, maxDelayMs: 4_000 });
    expect([1, 2, 3, 4, 5].map((count) => throttle.recordFailure('10.0.0.1', count, 0))).toEqual([0, 500, 1_000, 2_000, 4_000]);
    // Another connection from the same address inherits the tally.
    expect(throttle.recordFailure('10.0.0.1', 1, 0)).toBe(4_000);
    expect(throttle.recordFailure('10.0.0.2', 1, 0)).toBe(0);
    throttle.recordSuccess('10.0.0.1');
    expect(throttle.recordFailure('10.0.0.1', 1, 0)).toBe(0);
  });
});
