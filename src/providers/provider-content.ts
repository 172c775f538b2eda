// Tags the vendor's own content of an assistant turn (ChatMessage.providerContent) with the vendor that made
// it, so an adapter only ever sends back content in its own wire format: a conversation that moved from one
// vendor to another falls back to the portable text/toolCalls instead of sending foreign JSON.
import type { ChatMessage, Vendor } from './model.ts';

interface TaggedProviderContent {
  vendor: Vendor;
  content: unknown;
}

export function tagProviderContent(vendor: Vendor, content: unknown): TaggedProviderContent {
  return { vendor, content };
}

/** The vendor's own content of `message` if `vendor` produced it, else undefined. */
export function providerContentFor(vendor: Vendor, message: Extract<ChatMessage, { role: 'assistant' }>): unknown {
  const tagged = message.providerContent;
  if (typeof tagged !== 'object' || tagged === null) return undefined;
  const candidate = tagged as Partial<TaggedProviderContent>;
  return candidate.vendor === vendor ? candidate.content : undefined;
}
