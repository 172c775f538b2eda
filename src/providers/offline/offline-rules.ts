// The deterministic decision rules of the offline model: given a parsed turn (turn-format.ts), choose the
// tool calls a sensible colleague would make. No network, no randomness: the same turn gives the same calls.
// Loop safety: mail written by another agent is only answered when it explicitly asks this agent something,
// and answers to agents never ask anyone anything, so agent-to-agent exchanges end after one round.
import { addressesIn, type TurnMailView, type TurnView } from './turn-format.ts';

export interface PlannedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export const offlineSignature =
  '(Written by mailswarm\'s deterministic offline model: no language model was called. Set an API key for a real model.)';

export function planOfflineTurn(view: TurnView): PlannedToolCall[] {
  const selfAddress = view.self.address.toLowerCase();
  const incoming = view.messages.filter((mail) => mail.status === 'new' && !addressesIn([mail.from]).includes(selfAddress));
  const latest = incoming.at(-1);
  if (!latest) return [noReply('no new mail from anyone else in this thread')];
  if (!incoming.some((mail) => mail.addressedAs === 'to')) return [noReply('I am only copied (Cc) on this mail: reading, not answering')];
  const addressed = [...incoming].reverse().find((mail) => mail.addressedAs === 'to') ?? latest;
  const body = addressed.body;
  const senderAddress = addressesIn([addressed.from])[0] ?? '';
  const fromAgent = isFromAutomaton(addressed);

  if (fromAgent) {
    if (mentionsWord(body, view.self.name) && asksSomething(body)) {
      // The Message-ID makes it unique; no names and no questions, so the other agent has nothing to answer.
      const text = `[offline model] ${view.self.name} here: noted the request in message ${addressed.messageId} and will take it into account.`;
      return [reply(addressed, `${text}\n\n${offlineSignature}`, [])];
    }
    return [noReply(`mail from agent ${addressed.agent ?? senderAddress} is an acknowledgement; answering it would start a loop`)];
  }

  if (/\bstatus\s*\?/i.test(body) || /^\s*status\b/i.test(body) || /^\s*status\b/i.test(stripReplyPrefix(addressed.subject))) {
    const ownCount = view.messages.filter((mail) => mail.status === 'sent-by-you').length;
    const text =
      `[offline model] ${view.self.name} status: this thread has ${view.messages.length} message(s), ${ownCount} of them from me. ` +
      `I am running on the offline model, so I acknowledge and route mail but do not carry out the work itself.\n\n${offlineSignature}`;
    return [reply(addressed, text, [])];
  }

  const peers = view.directory.filter(
    (entry) => entry.kind === 'agent' && entry.address.toLowerCase() !== selfAddress && entry.address.toLowerCase() !== senderAddress && mentionsWord(body, entry.name),
  );
  const forwardTargets = peers.filter((peer) => new RegExp(`\\bforward\\b[^.\\n]*\\b${escapeRegExp(peer.name)}\\b`, 'i').test(body));
  if (forwardTargets.length > 0) {
    return [
      {
        name: 'forward',
        arguments: {
          message_id: addressed.messageId,
          to: forwardTargets.map((peer) => peer.address),
          note: `[offline model] ${view.self.name} forwards this as asked by ${addressed.from}.\n\n${offlineSignature}`,
        },
      },
      reply(addressed, `[offline model] ${view.self.name} here: forwarded to ${forwardTargets.map((peer) => peer.name).join(', ')} as asked.\n\n${offlineSignature}`, []),
    ];
  }

  // Quoting what was asked keeps each acknowledgement specific (and distinct from the last one in the thread).
  const newCount = incoming.length === 1 ? 'your message' : `your ${incoming.length} new messages`;
  const lines = [
    `[offline model] ${view.self.name} here: I received ${newCount} in "${stripReplyPrefix(addressed.subject)}" and have noted the task: "${firstSentence(body)}"`,
  ];
  for (const peer of peers) {
    const sentence = sentenceMentioning(body, peer.name);
    lines.push(`${peer.name}, please take a look, as requested: "${sentence}"`);
  }
  lines.push('', offlineSignature);
  return [reply(addressed, lines.join('\n'), peers.map((peer) => peer.address))];
}

function reply(mail: TurnMailView, body: string, extraTo: string[]): PlannedToolCall {
  return { name: 'reply', arguments: { in_reply_to: mail.messageId, body, ...(extraTo.length > 0 ? { to: extraTo } : {}) } };
}

function noReply(reason: string): PlannedToolCall {
  return { name: 'no_reply', arguments: { reason } };
}

function isFromAutomaton(mail: TurnMailView): boolean {
  if (mail.agent) return true;
  return mail.autoSubmitted !== undefined && mail.autoSubmitted.toLowerCase() !== 'no';
}

function asksSomething(text: string): boolean {
  return /\?|\bplease\b|\bcould you\b|\bcan you\b/i.test(text);
}

function mentionsWord(text: string, word: string): boolean {
  return word.length > 0 && new RegExp(`(^|[^a-z0-9_-])${escapeRegExp(word)}($|[^a-z0-9_-])`, 'i').test(text);
}

function sentenceMentioning(text: string, word: string): string {
  const sentences = text.split(/(?<=[.!?])\s+|\n+/).map((sentence) => sentence.trim()).filter(Boolean);
  const found = sentences.find((sentence) => mentionsWord(sentence, word)) ?? word;
  return found.length > 300 ? `${found.slice(0, 297)}...` : found;
}

function firstSentence(text: string): string {
  const sentence = text.split(/(?<=[.!?])\s+|\n+/).map((part) => part.trim()).find(Boolean) ?? '(empty message)';
  return sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence;
}

function stripReplyPrefix(subject: string): string {
  return subject.replace(/^(\s*(re|fwd?|aw|wg)\s*:\s*)+/i, '').trim();
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
