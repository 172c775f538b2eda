// Validates and normalises mailbox names for the store (RFC 3501 §5.1: INBOX is case-insensitive; §6.3.4
// and §6.3.5: superior hierarchical names). Names here are UTF-8; modified UTF-7 belongs to the IMAP layer.
import { HIERARCHY_DELIMITER, StoreError } from './store-types.ts';

export const INBOX = 'INBOX';

// C0 and C1 control characters, DEL, and the LIST wildcards cannot be part of a name: a stored `*` or `%`
// could never be listed unambiguously.
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f*%]/;
// Dovecot's limit too; longer names only serve to bloat LIST responses.
const MAX_NAME_BYTES = 1024;

/**
 * Returns the canonical form of `name` (`inbox/x` → `INBOX/x`) or throws StoreError('BADNAME').
 */
export function normalizeMailboxName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new StoreError('BADNAME', 'Mailbox name is empty');
  }
  if (FORBIDDEN_CHARACTERS.test(name)) {
    throw new StoreError('BADNAME', 'Mailbox name contains control characters or wildcards');
  }
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new StoreError('BADNAME', `Mailbox name is longer than ${MAX_NAME_BYTES} bytes`);
  }
  const levels = name.split(HIERARCHY_DELIMITER);
  if (levels.some((level) => level.length === 0)) {
    throw new StoreError('BADNAME', 'Mailbox name has an empty hierarchy level');
  }
  if (levels.some((level) => level === '..')) {
    throw new StoreError('BADNAME', 'Mailbox name has a ".." hierarchy level');
  }
  if (levels[0]!.toUpperCase() === INBOX) levels[0] = INBOX;
  return levels.join(HIERARCHY_DELIMITER);
}

/** Like normalizeMailboxName, but answers undefined instead of throwing (look-ups of names that cannot exist). */
export function tryNormalizeMailboxName(name: string): string | undefined {
  try {
    return normalizeMailboxName(name);
  } catch (error) {
    if (error instanceof StoreError) return undefined;
    throw error;
  }
}

/** The superior names of a normalised name, outermost first: `a/b/c` → [`a`, `a/b`]. */
export function superiorNames(name: string): string[] {
  const levels = name.split(HIERARCHY_DELIMITER);
  const superiors: string[] = [];
  for (let depth = 1; depth < levels.length; depth++) {
    superiors.push(levels.slice(0, depth).join(HIERARCHY_DELIMITER));
  }
  return superiors;
}

/** True when `candidate` is strictly below `parent` in the hierarchy. */
export function isInferiorOf(candidate: string, parent: string): boolean {
  return candidate.startsWith(parent + HIERARCHY_DELIMITER);
}

/** Escapes a normalised name for a `LIKE ... ESCAPE '\'` prefix match of its inferiors. */
export function inferiorLikePattern(parent: string): string {
  return parent.replace(/[\\%_]/g, (character) => '\\' + character) + HIERARCHY_DELIMITER + '%';
}
