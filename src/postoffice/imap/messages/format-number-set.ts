// Writes a list of numbers as a compact IMAP sequence set (RFC 3501 §9 `sequence-set`), e.g. `1:3,7,9:10`,
// for the COPYUID response code (RFC 4315 §3) and MODIFIED (RFC 7162 §3.1.3).
// Order is preserved: COPYUID pairs its source and destination sets position by position, so the input is
// never sorted here; only ascending runs of consecutive numbers are folded into ranges.

export function formatNumberSet(numbers: readonly number[]): string {
  const pieces: string[] = [];
  let index = 0;
  while (index < numbers.length) {
    const start = numbers[index]!;
    let end = start;
    while (index + 1 < numbers.length && numbers[index + 1] === end + 1) {
      end = numbers[index + 1]!;
      index++;
    }
    pieces.push(start === end ? String(start) : `${start}:${end}`);
    index++;
  }
  return pieces.join(',');
}
