// Python's imaplib (a strict, literal-minded client) runs the message verbs against the real server: FETCH of
// metadata and body sections, STORE, SEARCH with CHARSET, UID COPY with COPYUID, MOVE, EXPUNGE. The script
// prints one JSON document of what imaplib parsed; the assertions check it against the store.
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, PASSWORD, multipartMessage, plainMessage, startFixture, type ImapFixture } from './imap-fixture.ts';

const hasPython = spawnSync('python3', ['-c', 'import imaplib, json'], { stdio: 'ignore' }).status === 0;

const script = String.raw`
import imaplib, json, sys
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}
client = imaplib.IMAP4('127.0.0.1', port)
client.login(user, password)
out['select'] = client.select('INBOX')[0]
status, data = client.fetch('1:2', '(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (Subject)])')
out['fetch_status'] = status
out['fetch_headers'] = [part[1].decode() for part in data if isinstance(part, tuple)]
status, data = client.uid('FETCH', '2', '(BODY[1])')
out['body_part'] = [part[1].decode() for part in data if isinstance(part, tuple)]
out['flags_after_body'] = client.fetch('2', '(FLAGS)')[1][0].decode()
out['store'] = [item.decode() for item in client.store('1', '+FLAGS', '(\\Flagged)')[1]]
out['search_flagged'] = client.search('UTF-8', 'FLAGGED')[1][0].decode()
out['search_subject'] = client.uid('SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT', 'quarterly')[1][0].decode()
out['copy'] = client.uid('COPY', '1:2', 'Trash')
out['copy'] = [out['copy'][0], client.untagged_responses.get('COPYUID', [b''])[-1].decode() if 'COPYUID' in client.untagged_responses else None]
out['move'] = client.uid('MOVE', '2', 'Archive')[0]
client.store('1', '+FLAGS', '(\\Deleted)')
status, data = client.expunge()
out['expunge'] = [status, [item.decode() for item in data if item]]
out['left'] = client.search(None, 'ALL')[1][0].decode()
client.logout()
print(json.dumps(out))
`;

function runPython(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', script, String(port), ACCOUNT, PASSWORD]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`python exited ${code}: ${stderr}`))));
  });
}

let fixture: ImapFixture;

beforeEach(async () => {
  fixture = await startFixture();
  fixture.store.deliver([{ account: ACCOUNT }], plainMessage, new Date('2026-12-01T09:00:00Z'));
  fixture.store.deliver([{ account: ACCOUNT }], multipartMessage, new Date('2026-11-20T09:00:00Z'));
});

afterEach(async () => {
  await fixture.close();
});

describe.skipIf(!hasPython)('imaplib against the message verbs', () => {
  it('fetches, stores, searches, copies, moves and expunges', async () => {
    const result = JSON.parse(await runPython(fixture.server.port));
    expect(result.select).toBe('OK');
    expect(result.fetch_status).toBe('OK');
    expect(result.fetch_headers).toEqual(['Subject: Quarterly plan\r\n\r\n', 'Subject: =?UTF-8?Q?Re=3A_Caf=C3=A9?=\r\n\r\n']);
    expect(result.body_part).toEqual(['See the attachment, banana.']);
    expect(result.flags_after_body).toContain('\\Seen');
    expect(result.store[0]).toMatch(/^1 \(FLAGS \(\\Flagged \\Recent\)/);
    expect(result.search_flagged).toBe('1');
    expect(result.search_subject).toBe('1');
    expect(result.copy[0]).toBe('OK');
    expect(result.copy[1]).toMatch(/^\d+ 1:2 \d+:\d+$/); // imaplib files the COPYUID response code by name
    expect(result.move).toBe('OK');
    // imaplib hands back every EXPUNGE it collected: `2` from the MOVE, then `1` from the EXPUNGE.
    expect(result.expunge).toEqual(['OK', ['2', '1']]);
    expect(result.left).toBe('');
    const archive = fixture.store.getMailbox(ACCOUNT, 'Archive')!;
    const trash = fixture.store.getMailbox(ACCOUNT, 'Trash')!;
    expect(fixture.store.listMessages(archive.id)).toHaveLength(1);
    expect(fixture.store.listMessages(trash.id)).toHaveLength(2);
    expect(fixture.store.listMessages(fixture.inboxId)).toHaveLength(0);
  });
});
