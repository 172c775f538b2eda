// The capability list we advertise (RFC 3501 §7.2.1) in the greeting, after login and for CAPABILITY.
// Only what is really implemented. IMAP4rev2 (RFC 9051) next to IMAP4rev1, never alone: Thunderbird looks for
// IMAP4rev1 only; a client that wants rev2 sends ENABLE IMAP4rev2 (Appendix A), which switches its session to
// UTF-8 mailbox names, ESEARCH for plain SEARCH and SELECT's LIST response; the extensions rev2 folds in are all
// here. No ACL. CONDSTORE and QRESYNC are real: the store keeps persistent MODSEQs and the MODSEQ of every
// expunge (store/mailbox-usage.ts); COMPRESS=DEFLATE is RFC 4978 over the session's socket
// (session/deflate-layer.ts); QUOTA has one root per account with one resource, STORAGE (session/storage-quota.ts);
// UTF8=ACCEPT switches a session's mailbox names to UTF-8 (protocol/mailbox-name-codec.ts); CATENATE takes
// relative IMAP URLs of the user's own messages (messages/catenated-message.ts).
// LOGINDISABLED is never sent: we allow plain-text login without TLS (the post office listens on loopback
// by default; on other interfaces the operator should configure TLS, which we then offer via STARTTLS).

const ALWAYS = [
  'IMAP4rev1',
  'IMAP4rev2',
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
  'QRESYNC',
  'COMPRESS=DEFLATE',
  'QUOTA',
  'QUOTA=RES-STORAGE',
  'STATUS=SIZE',
  'UTF8=ACCEPT',
  'CATENATE',
  // Searching: RFC 4731, 5182, 5256, 5957, 5267 (ESORT, and update contexts for SEARCH and SORT).
  'ESEARCH',
  'SEARCHRES',
  'SORT',
  'SORT=DISPLAY',
  'ESORT',
  'THREAD=ORDEREDSUBJECT',
  'THREAD=REFERENCES',
  'CONTEXT=SEARCH',
  'CONTEXT=SORT',
  // Appending and binary content: RFC 3502, RFC 3516.
  'MULTIAPPEND',
  'BINARY',
  // RFC 5465: events for other mailboxes and the selected one without IDLE (commands/notify-watch.ts).
  'NOTIFY',
];

export interface CapabilityState {
  authenticated: boolean;
  /** TLS configured and not yet active. */
  tlsAvailable: boolean;
  /** LITERAL- instead of LITERAL+: never both (RFC 7888 §5). */
  literalMinus?: boolean;
}

export function capabilityList(state: CapabilityState): string[] {
  const capabilities = state.literalMinus === true ? ALWAYS.map((name) => (name === 'LITERAL+' ? 'LITERAL-' : name)) : [...ALWAYS];
  if (!state.authenticated) {
    if (state.tlsAvailable) capabilities.push('STARTTLS');
    capabilities.push('AUTH=PLAIN');
  }
  return capabilities;
}

/** Extensions a client may turn on with ENABLE (RFC 5161). */
export const ENABLEABLE_EXTENSIONS: ReadonlySet<string> = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4REV2']);
