/** Database URLs as findings and notes may show them. */

/** The URL as findings may show it: no password, in the userinfo or as a `password` parameter. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.searchParams.delete('password');
    return u.toString();
  } catch {
    // not a URL we can take apart: keep only the scheme and host-looking part
    const at = url.lastIndexOf('@');
    const scheme = url.indexOf('://');
    return at > scheme && scheme >= 0 ? `${url.slice(0, scheme + 3)}${url.slice(at + 1)}` : url;
  }
}
