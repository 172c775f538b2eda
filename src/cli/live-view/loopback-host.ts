// The live view has no authentication, so it only ever listens on a loopback address (RFC 5735 127/8,
// RFC 4291 ::1). Also used to check the Host header, which stops DNS-rebinding pages from reading it.
import { isIP } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** Where the live view listens for a post office configured on `configHost`: that host when loopback, else 127.0.0.1. */
export function liveViewHost(configHost: string): string {
  return isLoopbackHost(configHost) ? configHost : '127.0.0.1';
}

/** The host part of a Host header (`127.0.0.1:8025`, `[::1]:8025`, `localhost`). */
export function hostHeaderName(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1]!;
  return hostHeader.replace(/:\d+$/, '');
}
