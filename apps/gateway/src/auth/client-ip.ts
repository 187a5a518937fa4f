import { isIP } from 'node:net';
import type { Request } from 'express';

function clean(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const v = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  return isIP(v) ? v : undefined;
}

/**
 * The client's address, for per-IP throttling. Without trusted proxies it is the socket's peer:
 * X-Forwarded-For is then whatever the client wrote and is ignored. Behind N proxies, each one
 * appended the address it saw, so the client is the entry N hops back from the peer.
 */
export function clientIp(req: Request, trustedProxies: number): string | undefined {
  const peer = clean(req.socket.remoteAddress);
  if (trustedProxies <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded, req.socket.remoteAddress ?? ''];
  return clean(chain[Math.max(0, chain.length - 1 - trustedProxies)]) ?? peer;
}
