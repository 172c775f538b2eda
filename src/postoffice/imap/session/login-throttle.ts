// Slows down password guessing (RFC 3501 §11.1 / RFC 4954 §9 security considerations): every failed
// LOGIN/AUTHENTICATE waits a delay that doubles with the failures seen on the connection and from the IP.
// The per-IP tally forgets an address after a quiet period and is cleared by a successful login.

export interface LoginThrottleOptions {
  /** Delay after the second failure; the first failure is answered at once. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long an IP's failures are remembered after its last failure. */
  forgetAfterMs?: number;
}

export class LoginThrottle {
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #forgetAfterMs: number;
  readonly #failuresByIp = new Map<string, { count: number; lastAt: number }>();

  constructor(options: LoginThrottleOptions = {}) {
    this.#baseDelayMs = options.baseDelayMs ?? 500;
    this.#maxDelayMs = options.maxDelayMs ?? 15_000;
    this.#forgetAfterMs = options.forgetAfterMs ?? 15 * 60_000;
  }

  /** Records one failure and returns how long to wait before answering it. */
  recordFailure(ip: string, connectionFailures: number, now = Date.now()): number {
    this.#forgetStale(now);
    const entry = this.#failuresByIp.get(ip) ?? { count: 0, lastAt: now };
    entry.count += 1;
    entry.lastAt = now;
    this.#failuresByIp.set(ip, entry);
    const failures = Math.max(entry.count, connectionFailures);
    if (failures <= 1) return 0;
    return Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (failures - 2));
  }

  recordSuccess(ip: string): void {
    this.#failuresByIp.delete(ip);
  }

  #forgetStale(now: number): void {
    for (const [ip, entry] of this.#failuresByIp) {
      if (now - entry.lastAt > this.#forgetAfterMs) this.#failuresByIp.delete(ip);
    }
  }
}
