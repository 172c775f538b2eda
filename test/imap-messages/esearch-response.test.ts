// The ESEARCH response and the `$` a SAVE keeps, against the RFCs' examples: RFC 4731 §3.1 (A282-A286) and §3.2
// (MODSEQ of the reported messages, a1-a4), RFC 5182 §2.4 (the SAVE table and Example 10), RFC 5267 §3.1-3.3 (ESORT:
// sort order kept, ranges only where ascending) and §4.4 (PARTIAL).
import { describe, expect, it } from 'vitest';
import { esearchResponse, orderedSequenceSet, savedSearchUids, type ResultEntry } from '../../src/postoffice/imap/messages/esearch-response.ts';
import { parseSearchReturn } from '../../src/postoffice/imap/protocol/search-return.ts';
import { untagged } from '../../src/postoffice/imap/protocol/response-writer.ts';
import type { Token } from '../../src/postoffice/imap/protocol/protocol-types.ts';

/** `RETURN (...)` as the parser hands it over. */
function returnOptions(options: string) {
  const items: Token[] = options.split(' ').filter(Boolean).map((value) => ({ type: 'atom', value }));
  return parseSearchReturn([{ type: 'atom', value: 'RETURN' }, { type: 'list', items }]).searchReturn!;
}

function entries(ids: number[], modseqs: number[] = ids.map(() => 1)): ResultEntry[] {
  return ids.map((id, index) => ({ id, uid: id, modseq: modseqs[index]! }));
}

function line(tag: string, options: string, results: ResultEntry[], extra: { byUid?: boolean; sorted?: boolean; reportModseq?: boolean } = {}): string | undefined {
  const response = esearchResponse({ tag, byUid: extra.byUid ?? false, searchReturn: returnOptions(options), results, reportModseq: extra.reportModseq ?? false, sorted: extra.sorted ?? false });
  return response === undefined ? undefined : untagged(...response).toString().trimEnd();
}

describe('ESEARCH (RFC 4731 §3.1)', () => {
  it('answers the RFC examples', () => {
    expect(line('A282', 'MIN COUNT', entries([2, 10, 11]))).toBe('* ESEARCH (TAG "A282") MIN 2 COUNT 3');
    expect(line('A283', '', entries([2, 10, 11]))).toBe('* ESEARCH (TAG "A283") ALL 2,10:11');
    expect(line('A284', 'MIN', entries([4, 7]))).toBe('* ESEARCH (TAG "A284") MIN 4');
    expect(line('A285', 'MIN MAX', entries([7, 90, 3800]), { byUid: true })).toBe('* ESEARCH (TAG "A285") UID MIN 7 MAX 3800');
    expect(line('A286', 'COUNT', entries(Array.from({ length: 15 }, (_, index) => index + 1)))).toBe('* ESEARCH (TAG "A286") COUNT 15');
  });

  it('leaves out MIN, MAX and ALL when nothing matched, but always sends the response and COUNT', () => {
    expect(line('t', 'MIN MAX ALL COUNT', [])).toBe('* ESEARCH (TAG "t") COUNT 0');
    expect(line('t', 'MIN MAX ALL', [])).toBe('* ESEARCH (TAG "t")');
  });

  it('reports the MODSEQ of what it reports (§3.2 a1-a4)', () => {
    const found = entries([2, 5, 23], [917162488, 917162500, 907162321]);
    const modseq = { reportModseq: true };
    expect(line('a1', 'MIN', found, modseq)).toBe('* ESEARCH (TAG "a1") MIN 2 MODSEQ 917162488');
    expect(line('a2', 'MAX', found, modseq)).toBe('* ESEARCH (TAG "a2") MAX 23 MODSEQ 907162321');
    expect(line('a3', 'MIN MAX', found, modseq)).toBe('* ESEARCH (TAG "a3") MIN 2 MAX 23 MODSEQ 917162488');
    expect(line('a4', 'MIN COUNT', found, modseq)).toBe('* ESEARCH (TAG "a4") MIN 2 COUNT 3 MODSEQ 917162500');
    expect(line('a5', 'COUNT', [], modseq)).toBe('* ESEARCH (TAG "a5") COUNT 0');
  });
});

describe('SAVE (RFC 5182 §2.4)', () => {
  const found = entries([2, 10, 11, 12, 13, 14, 15, 21]);
  const saved = (options: string) => orderedSequenceSet(savedSearchUids(returnOptions(options), found));

  it('keeps MIN, MAX, both, or everything as the table says', () => {
    expect(saved('SAVE')).toBe('2,10:15,21');
    expect(saved('SAVE MIN')).toBe('2');
    expect(saved('SAVE MAX')).toBe('21');
    expect(saved('SAVE MIN MAX')).toBe('2,21');
    expect(saved('SAVE ALL MIN')).toBe('2,10:15,21');
    expect(saved('SAVE MIN COUNT MAX')).toBe('2,10:15,21');
  });

  it('answers Example 10 and stays silent for SAVE alone', () => {
    expect(line('C283', 'ALL SAVE', found)).toBe('* ESEARCH (TAG "C283") ALL 2,10:15,21');
    expect(line('C284', 'SAVE MIN', found)).toBe('* ESEARCH (TAG "C284") MIN 2');
    expect(line('C285', 'MAX SAVE MIN', found)).toBe('* ESEARCH (TAG "C285") MIN 2 MAX 21');
    expect(line('C286', 'MAX SAVE MIN COUNT', found)).toBe('* ESEARCH (TAG "C286") MIN 2 MAX 21 COUNT 8');
    expect(line('C287', 'SAVE', found)).toBeUndefined();
  });
});

describe('ESORT and PARTIAL (RFC 5267 §3, §4.4)', () => {
  it('keeps the sort order in ALL, MIN and MAX, with ranges only for ascending runs', () => {
    const sorted = entries([23765, 23764, 23763, 23761, 23762, 23763 + 10, 23774]);
    expect(line('E01', '', sorted, { byUid: true, sorted: true })).toBe('* ESEARCH (TAG "E01") UID ALL 23765,23764,23763,23761:23762,23773:23774');
    expect(line('E02', 'MIN MAX', sorted, { byUid: true, sorted: true })).toBe('* ESEARCH (TAG "E02") UID MIN 23765 MAX 23774');
  });

  it('returns the requested window, or NIL past the end', () => {
    const found = entries([3, 4, 5, 9, 10, 11, 20]);
    expect(line('P1', 'PARTIAL 2:4', found)).toBe('* ESEARCH (TAG "P1") PARTIAL (2:4 4:5,9)');
    expect(line('P2', 'PARTIAL 6:500 COUNT', found)).toBe('* ESEARCH (TAG "P2") PARTIAL (6:500 11,20) COUNT 7');
    expect(line('P3', 'PARTIAL 8:9', found)).toBe('* ESEARCH (TAG "P3") PARTIAL (8:9 NIL)');
    expect(line('P4', 'PARTIAL 1:2', entries([9, 3]), { sorted: true })).toBe('* ESEARCH (TAG "P4") PARTIAL (1:2 9,3)');
  });
});
