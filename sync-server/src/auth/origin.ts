/**
 * Whether a browser's `Origin` belongs to this server (AUTH7, AUTH8): same host as the request's `Host`
 * header, or the configured public URL. Scheme is not compared, so a TLS-terminating proxy in front of the
 * server still works; `null` and unparsable origins are refused.
 */
export function originAllowed(origin: string, host: string | undefined, publicUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (host) {
    try {
      if (parsed.host === new URL(`${parsed.protocol}//${host}`).host) return true;
    } catch {
      // A malformed Host header matches nothing.
    }
  }
  if (publicUrl) {
    try {
      if (parsed.origin === new URL(publicUrl).origin) return true;
    } catch {
      return false;
    }
  }
  return false;
}
