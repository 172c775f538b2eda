// The capability list we advertise (RFC 3501 §7.2.1) in the greeting, after login and for CAPABILITY.
// Only what is really implemented: IMAP4rev1 (never IMAP4rev2: imapflow switches behaviour, Thunderbird
// needs rev1), no COMPRESS, UTF8=ACCEPT, QUOTA or ACL. CONDSTORE is real: the store keeps persistent MODSEQs.
// LOGINDISABLED is never sent: we allow plain-text login without TLS (the post office listens on loopback
// by default; on other interfaces the operator should configure TLS, which we then offer via STARTTLS).

const ALWAYS = [
  'IMAP4rev1',
  'LITERAL+',
  'SASL-IR',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'MOVE',
  'SPECIAL-USE',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'CHILDREN',
  'UNSELECT',
  'CONDSTORE',
];

export interface CapabilityState {
  authenticated: boolean;
  /** TLS configured and not yet active. */
  tlsAvailable: boolean;
}

export function capabilityList(state: CapabilityState): string[] {
  const capabilities = [...ALWAYS];
  if (!state.authenticated) {
    if (state.tlsAvailable) capabilities.push('STARTTLS');
    capabilities.push('AUTH=PLAIN');
  }
  return capabilities;
}

/** Extensions a client may turn on with ENABLE (RFC 5161). */
export const ENABLEABLE_EXTENSIONS: ReadonlySet<string> = new Set(['CONDSTORE']);
