/**
 * Redis URLs in messages: the password is never printed, whether it is in the authority
 * (`redis://user:pass@host`) or in the query (`redis://host?password=pass`).
 */

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  const auth = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*@)/i, (_m, scheme: string, userinfo: string) =>
    `${scheme}${userinfo.includes(":") ? `${userinfo.split(":")[0] ?? ""}:***@` : userinfo}`,
  );
  return auth.replace(/([?&](?:password|pass|pwd)=)[^&#]*/gi, "$1***");
}
