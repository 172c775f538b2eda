// collectReviewTrailers: b4's rule for which patch a reply's Reviewed-by / Tested-by / Acked-by belongs
// to, quoted lines and the patches' own trailers ignored, NAKs collected apart.
import { describe, expect, it } from 'vitest';
import { collectReviewTrailers, type ThreadMail } from '../../src/workspace/review-trailers.ts';

const COVER = '<cover@swarm.local>';
const PATCHES = ['<p1@swarm.local>', '<p2@swarm.local>', '<p3@swarm.local>'];

function reply(messageId: string, parent: string, references: string[], text: string, from = 'Rita <rita@swarm.local>'): ThreadMail {
  return { messageId, inReplyTo: parent, references, text, from };
}

/** The series itself, threaded shallowly under the cover letter as git format-patch does. */
const series: ThreadMail[] = [
  { messageId: COVER, inReplyTo: undefined, references: [], text: 'Cover.\n\nReviewed-by: Self <self@swarm.local>\n', from: 'Ada <builder@swarm.local>' },
  ...PATCHES.map((id) => reply(id, COVER, [COVER], 'Patch.\n\nSigned-off-by: Ada <builder@swarm.local>\nAcked-by: In Patch <inpatch@swarm.local>\n', 'Ada <builder@swarm.local>')),
];

const collect = (thread: ThreadMail[]) => collectReviewTrailers({ coverMessageId: COVER, patchMessageIds: PATCHES, thread: [...series, ...thread] });

describe('collectReviewTrailers', () => {
  it('gives a trailer in a reply to patch 2 to patch 2 only', () => {
    const result = collect([reply('<r1@x>', PATCHES[1]!, [COVER, PATCHES[1]!], '> +code\n\nLooks right.\n\nReviewed-by: Rita Reviewer <rita@swarm.local>\n')]);
    expect(result.perPatch).toEqual([[], ['Reviewed-by: Rita Reviewer <rita@swarm.local>'], []]);
    expect(result.naks).toEqual([]);
  });

  it('gives a trailer in a reply to the cover letter to every patch', () => {
    const result = collect([reply('<r1@x>', COVER, [COVER], 'For the series:\nTested-by: Bo Tester <tester@swarm.local>\n')]);
    expect(result.perPatch).toEqual([['Tested-by: Bo Tester <tester@swarm.local>'], ['Tested-by: Bo Tester <tester@swarm.local>'], ['Tested-by: Bo Tester <tester@swarm.local>']]);
  });

  it('ignores quoted trailers and the patch mails\' own lines', () => {
    const result = collect([
      reply('<r1@x>', PATCHES[0]!, [COVER, PATCHES[0]!], '> Reviewed-by: Quoted Person <quoted@x>\n>> Acked-by: Deeper <deeper@x>\n\nNot yet.\n'),
    ]);
    expect(result.perPatch).toEqual([[], [], []]);
  });

  it('follows nested replies to the patch they are below, even with truncated References', () => {
    const result = collect([
      reply('<r1@x>', PATCHES[2]!, [COVER, PATCHES[2]!], 'A question.\n'),
      reply('<r2@x>', '<r1@x>', [COVER, PATCHES[2]!, '<r1@x>'], 'Answer.\n', 'Ada <builder@swarm.local>'),
      // A client that kept only the first and last References.
      reply('<r3@x>', '<r2@x>', [COVER, '<r2@x>'], 'Thanks, then:\nAcked-by: Mae Maintainer <maintainer@swarm.local>\n'),
    ]);
    expect(result.perPatch).toEqual([[], [], ['Acked-by: Mae Maintainer <maintainer@swarm.local>']]);
  });

  it('keeps first-seen order without duplicates and normalises the tag', () => {
    const result = collect([
      reply('<r1@x>', PATCHES[0]!, [COVER, PATCHES[0]!], 'reviewed-by:   Rita Reviewer <rita@swarm.local>  \n'),
      reply('<r2@x>', COVER, [COVER], 'Tested-by: Bo Tester <tester@swarm.local>\nReviewed-by: Rita Reviewer <rita@swarm.local>\n'),
      reply('<r3@x>', PATCHES[0]!, [COVER, PATCHES[0]!], 'Tested-by: Bo Tester <tester@swarm.local>\n-- \nReviewed-by: In Signature <sig@x>\n'),
    ]);
    expect(result.perPatch[0]).toEqual(['Reviewed-by: Rita Reviewer <rita@swarm.local>', 'Tested-by: Bo Tester <tester@swarm.local>']);
    expect(result.perPatch[1]).toEqual(['Tested-by: Bo Tester <tester@swarm.local>', 'Reviewed-by: Rita Reviewer <rita@swarm.local>']);
  });

  it('ignores lines that are not a reviewer trailer with a name and an address', () => {
    const result = collect([
      reply('<r1@x>', PATCHES[0]!, [COVER, PATCHES[0]!], 'Reviewed-by: me\nReviewed-by: <nameless@x>\n  Reviewed-by: Indented <i@x>\nSuggested-by: Someone <s@x>\n'),
    ]);
    expect(result.perPatch).toEqual([[], [], []]);
  });

  it('collects NAKs apart', () => {
    const result = collect([
      reply('<r1@x>', PATCHES[1]!, [COVER, PATCHES[1]!], 'This breaks parsing.\n\nNAK\n'),
      reply('<r2@x>', COVER, [COVER], 'Nacked-by: Mae Maintainer <maintainer@swarm.local>\n'),
      reply('<r3@x>', PATCHES[1]!, [COVER, PATCHES[1]!], '> NAK\nI disagree with the NAK.\n'),
    ]);
    expect(result.naks).toEqual([
      { messageId: '<r1@x>', line: 'NAK' },
      { messageId: '<r2@x>', line: 'Nacked-by: Mae Maintainer <maintainer@swarm.local>' },
    ]);
    expect(result.perPatch).toEqual([[], [], []]);
  });

  it('ignores replies outside the series and matches ids with or without angle brackets', () => {
    const result = collectReviewTrailers({
      coverMessageId: 'cover@swarm.local',
      patchMessageIds: PATCHES.map((id) => id.slice(1, -1)),
      thread: [
        ...series,
        reply('<elsewhere@x>', '<other-thread@x>', ['<other-thread@x>'], 'Reviewed-by: Wrong Thread <w@x>\n'),
        reply('<r1@x>', PATCHES[0]!, [COVER, PATCHES[0]!], 'Reviewed-by: Rita Reviewer <rita@swarm.local>\n'),
      ],
    });
    expect(result.perPatch).toEqual([['Reviewed-by: Rita Reviewer <rita@swarm.local>'], [], []]);
  });

  it('works for a single patch without a cover letter', () => {
    const result = collectReviewTrailers({
      coverMessageId: undefined,
      patchMessageIds: ['<only@x>'],
      thread: [reply('<r1@x>', '<only@x>', ['<only@x>'], 'Acked-by: Mae Maintainer <maintainer@swarm.local>\n')],
    });
    expect(result.perPatch).toEqual([['Acked-by: Mae Maintainer <maintainer@swarm.local>']]);
  });
});
