// Whether a server URL points at this machine (loopback or a Unix-domain socket), so its processes can be read in /proc.
export function isLocalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    const host = (u.searchParams.get('host') ?? decodeURIComponent(u.hostname)).replace(/^\[|\]$/g, '');
    return host === '' || host.startsWith('/') || host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}
