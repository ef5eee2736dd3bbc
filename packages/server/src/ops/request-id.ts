import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv4 } from 'node:net';
import { flatString } from '../flat-string.js';

/** What an incoming `X-Request-Id` may look like: no spaces, quotes or control characters. */
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * Fastify's `genReqId`: a request's id is on every log line it causes and in its `X-Request-Id`
 * response header (README "Operations"). A trusted proxy (`HILAL_TRUSTED_PROXIES`) may hand
 * its own id on, so that one id follows a request from the proxy's log to ours; anyone else's
 * header is ignored, since a client could otherwise write what it likes into our logs.
 */
export function requestIdFactory(
  trustedProxies: readonly string[],
): (request: IncomingMessage) => string {
  const trusted = trustedAddresses(trustedProxies);
  return (request) => {
    const offered = request.headers['x-request-id'];
    if (
      trusted !== undefined &&
      typeof offered === 'string' &&
      REQUEST_ID.test(offered) &&
      isTrusted(trusted, request.socket.remoteAddress)
    ) {
      return offered;
    }
    // Held by the request, its logger and its headers for as long as it lasts: a stream's hour.
    return flatString(randomUUID());
  };
}

function trustedAddresses(entries: readonly string[]): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    // config.ts has checked each entry; an IPv6 zone (`%eth0`) is not part of the address.
    const [address = '', prefix] = entry.replace(/%[^/]*/, '').split('/');
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

function isTrusted(list: BlockList, remote: string | undefined): boolean {
  if (remote === undefined) return false;
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
  const address =
    remote.startsWith('::ffff:') && isIPv4(remote.slice(7)) ? remote.slice(7) : remote;
  return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}
