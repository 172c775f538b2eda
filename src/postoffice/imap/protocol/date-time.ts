// IMAP dates (RFC 3501 §9): `date-time` = "dd-Mon-yyyy hh:mm:ss +zzzz" for APPEND and INTERNALDATE, and
// `date` = d-Mon-yyyy for SEARCH (compared as calendar days, so returned as 'YYYY-MM-DD').
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function monthIndex(name: string, whole: string): number {
  const index = MONTHS.findIndex((month) => month.toLowerCase() === name.toLowerCase());
  if (index === -1) throw new ProtocolSyntaxError(`invalid date "${whole}": unknown month "${name}"`);
  return index;
}

function checkDay(year: number, month: number, day: number, whole: string): void {
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) throw new ProtocolSyntaxError(`invalid date "${whole}": day ${day} does not exist`);
}

/** APPEND's date-time, `"dd-Mon-yyyy hh:mm:ss +zzzz"` (day may be space-padded or one digit). */
export function parseDateTime(text: string): Date {
  const match = /^ ?([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})$/.exec(text);
  if (!match) throw new ProtocolSyntaxError(`invalid date-time "${text}": expected "dd-Mon-yyyy hh:mm:ss +zzzz"`);
  const [, day, monthName, year, hours, minutes, seconds, sign, zoneHours, zoneMinutes] = match;
  const month = monthIndex(monthName, text);
  checkDay(Number(year), month, Number(day), text);
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 60 || Number(zoneMinutes) > 59) {
    throw new ProtocolSyntaxError(`invalid date-time "${text}": time out of range`);
  }
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  const utc = Date.UTC(Number(year), month, Number(day), Number(hours), Number(minutes), Math.min(Number(seconds), 59));
  return new Date(utc - offsetMinutes * 60_000);
}

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** INTERNALDATE text in UTC, e.g. `01-Jan-2020 10:00:00 +0000` (2DIGIT day is valid `date-day-fixed`). */
export function formatDateTime(date: Date): string {
  return `${twoDigits(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ` +
    `${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())} +0000`;
}

/** SEARCH's `date` (d-Mon-yyyy, quotes already removed) as 'YYYY-MM-DD'. */
export function parseSearchDate(text: string): string {
  const match = /^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})$/.exec(text);
  if (!match) throw new ProtocolSyntaxError(`invalid date "${text}": expected d-Mon-yyyy such as 1-Feb-1994`);
  const month = monthIndex(match[2], text);
  checkDay(Number(match[3]), month, Number(match[1]), text);
  return `${match[3]}-${twoDigits(month + 1)}-${twoDigits(Number(match[1]))}`;
}
