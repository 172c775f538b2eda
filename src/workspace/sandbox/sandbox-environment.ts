// The environment of a sandboxed command: built from nothing (never from process.env, which holds the API
// keys of every provider), so a command sees PATH, HOME, TMPDIR, LANG, TERM and CI plus the caller's extra
// non-secret variables, and nothing else.

const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

// Names that say "secret": an extra variable called like this is a caller bug, refused before anything runs.
const SECRET_NAME = /(API_?KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_?KEY)/i;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws when an extra variable has an invalid name, a NUL byte, or a name that marks it as a secret. */
export function assertSafeExtraEnvironment(extra: Record<string, string> | undefined): void {
  if (!extra) return;
  for (const [name, value] of Object.entries(extra)) {
    if (!VARIABLE_NAME.test(name)) throw new Error(`sandbox environment: "${name}" is not a valid variable name (expected letters, digits and _, not starting with a digit)`);
    if (SECRET_NAME.test(name)) throw new Error(`sandbox environment: refusing to pass ${name} into the sandbox: its name marks it as a secret (API keys, tokens and passwords never enter sandboxed commands)`);
    if (typeof value !== 'string' || value.includes('\0')) throw new Error(`sandbox environment: the value of ${name} must be a string without NUL bytes`);
  }
}

/** The fixed environment plus `extra`; `nodeBinDir` goes first on PATH so `node` is the Node running us. */
export function sandboxEnvironment(options: { nodeBinDir: string | undefined; extra: Record<string, string> | undefined }): Record<string, string> {
  assertSafeExtraEnvironment(options.extra);
  const pathEntries = options.nodeBinDir ? [options.nodeBinDir, ...SYSTEM_PATH.filter((entry) => entry !== options.nodeBinDir)] : SYSTEM_PATH;
  return {
    PATH: pathEntries.join(':'),
    HOME: '/tmp',
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    CI: '1',
    ...options.extra,
  };
}
