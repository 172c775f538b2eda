// One-shot analysis of a stored message for FETCH: the MIME tree plus the ENVELOPE and body structure of
// RFC 3501 §7.4.2 as neutral structures (imap/messages/ renders them), computed together so a caller can cache
// them per message.

import { buildBodyStructure, type BodyStructure } from './body-structure.ts';
import { buildEnvelope, type Envelope } from './envelope.ts';
import { parseMimeTree, type MimePart } from './mime-tree.ts';

export interface MessageAnalysis {
  tree: MimePart;
  envelope: Envelope;
  /** Rendered as BODYSTRUCTURE (with extension data) and as BODY (without). */
  bodyStructure: BodyStructure;
}

export function analyzeMessage(raw: Buffer): MessageAnalysis {
  const tree = parseMimeTree(raw);
  return { tree, envelope: buildEnvelope(tree, raw), bodyStructure: buildBodyStructure(tree, raw) };
}
