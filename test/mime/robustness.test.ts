// Seeded mutation test: truncated, spliced and byte-flipped variants of every fixture must parse without throwing
// and yield a tree whose ranges are consistent (the invariants FETCH relies on for byte-exact sections).

import { describe, expect, it } from 'vitest';
import { analyzeMessage, extractSection, findPart, headerMatches, textMatches, type MimePart } from '../../src/postoffice/mime/index.ts';
import * as edgeFixtures from './edge-fixtures.ts';
import * as fixtures from './fixtures.ts';

const seeds = Object.values({ ...fixtures, ...edgeFixtures }).filter((value): value is Buffer => Buffer.isBuffer(value));

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(raw: Buffer, next: () => number): Buffer {
  const position = Math.floor(next() * (raw.length + 1));
  switch (Math.floor(next() * 4)) {
    case 0:
      return raw.subarray(0, position); // truncation
    case 1: {
      const copy = Buffer.from(raw);
      if (copy.length > 0) copy[Math.min(position, copy.length - 1)] = Math.floor(next() * 256);
      return copy;
    }
    case 2: {
      const other = seeds[Math.floor(next() * seeds.length)]!;
      return Buffer.concat([raw.subarray(0, position), other.subarray(Math.floor(next() * other.length))]);
    }
    default:
      return Buffer.concat([raw.subarray(0, position), raw.subarray(Math.floor(next() * raw.length))]);
  }
}

function checkPart(part: MimePart, limit: { start: number; end: number }): void {
  expect(part.header.start).toBeGreaterThanOrEqual(limit.start);
  expect(part.header.end).toBeGreaterThanOrEqual(part.header.start);
  expect(part.body.start).toBe(part.header.end);
  expect(part.body.end).toBeGreaterThanOrEqual(part.body.start);
  expect(part.body.end).toBeLessThanOrEqual(limit.end);
  if (part.contentType.type === 'multipart') expect(part.children.length).toBeGreaterThan(0);
  let previousEnd = part.body.start;
  for (const child of part.children) {
    expect(child.header.start).toBeGreaterThanOrEqual(previousEnd);
    checkPart(child, part.body);
    previousEnd = child.body.end;
  }
  if (part.embedded) checkPart(part.embedded, part.body);
}

describe('robustness', () => {
  it('parses 2000 mutated messages with consistent ranges', () => {
    const next = random(20261201);
    for (let round = 0; round < 2000; round++) {
      let raw = seeds[round % seeds.length]!;
      for (let step = 0; step < 1 + Math.floor(next() * 3); step++) raw = mutate(raw, next);
      const analysis = analyzeMessage(raw);
      expect(analysis.tree.parseError).toBeUndefined();
      checkPart(analysis.tree, { start: 0, end: raw.length });
      for (const path of [[1], [2], [1, 1], [2, 1], [3, 2, 1]]) {
        if (!findPart(analysis.tree, path)) continue;
        for (const specifier of [null, 'MIME', 'HEADER', 'TEXT'] as const) {
          extractSection(raw, analysis.tree, { part: path, specifier });
        }
      }
      headerMatches(raw, analysis.tree, 'subject', 'x');
      textMatches(raw, analysis.tree, 'body', 'TEXT');
    }
  });
});
