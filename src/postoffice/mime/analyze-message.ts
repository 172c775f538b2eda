// One-shot analysis of a stored message for FETCH: the MIME tree plus the ENVELOPE, BODYSTRUCTURE and BODY
// values of RFC 3501 §7.4.2, computed together so a caller can cache them per message.

import type { ImapValue } from '../imap/protocol/protocol-types.ts';
import { buildBodyStructure } from './body-structure.ts';
import { buildEnvelope } from './envelope.ts';
import { parseMimeTree, type MimePart } from './mime-tree.ts';

export interface MessageAnalysis {
  tree: MimePart;
  envelope: ImapValue;
  bodyStructure: ImapValue;
  body: ImapValue;
}

export function analyzeMessage(raw: Buffer): MessageAnalysis {
  const tree = parseMimeTree(raw);
  return {
    tree,
    envelope: buildEnvelope(tree, raw),
    bodyStructure: buildBodyStructure(tree, raw, true),
    body: buildBodyStructure(tree, raw, false),
  };
}
