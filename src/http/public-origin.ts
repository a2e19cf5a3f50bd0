/**
 * The origin of every absolute URL in the pages (permalinks, canonical, og:url, JSON-LD). PUBLIC_URL,
 * when set, is the only one. Otherwise the request's own origin, but only what cannot turn into a
 * scheme or markup: the protocol is http or https (from X-Forwarded-Proto only when express's
 * `trust proxy` trusts the peer, else from the socket), and the host is a plain `host[:port]` (from
 * X-Forwarded-Host likewise); anything else falls back to the address the request came in on.
 */
import type { Request } from 'express';
import { isIPv6 } from 'node:net';

/** A DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port. */
const HOST_PORT =
  /^(?:(?<name>[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*)|\[(?<ipv6>[0-9a-f:.]{2,45})\])(?::(?<port>\d{1,5}))?$/;

/** `host[:port]` as sent, lower-cased, when it is a plain one; else undefined. */
export function validHost(value: string | undefined): string | undefined {
  if (!value || value.length > 260) return undefined;
  const host = value.toLowerCase();
  const m = HOST_PORT.exec(host);
  if (!m?.groups) return undefined;
  const { ipv6, port } = m.groups;
  if (ipv6 !== undefined && !isIPv6(ipv6)) return undefined;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) return undefined;
  return host;
}

/** The address and port the request came in on, as a URL host. */
function localHost(req: Request): string {
  const address = (req.socket.localAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const port = req.socket.localPort;
  const host = !address ? 'localhost' : isIPv6(address) ? `[${address}]` : address;
  return port ? `${host}:${port}` : host;
}

/** The scheme of the request: express's `req.protocol` (trust-proxy aware) when it is http or https. */
function protocolOf(req: Request): 'http' | 'https' {
  const claimed = req.protocol.toLowerCase();
  if (claimed === 'http' || claimed === 'https') return claimed;
  return 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
}

/** `(req) => origin`, e.g. "https://live.example.org", without a trailing slash. */
export function publicOrigin(publicUrl: string | undefined): (req: Request) => string {
  if (publicUrl) return () => publicUrl;
  // express's `req.host` reads X-Forwarded-Host only from a trusted peer, and Host otherwise.
  return (req) => `${protocolOf(req)}://${validHost(req.host) ?? localHost(req)}`;
}
