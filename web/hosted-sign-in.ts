/**
 * What the page sends to and reads from the user pool's hosted sign-in (OAuth 2.0 authorization code
 * with PKCE, RFC 7636): the addresses it goes to, the challenge of a verifier, and what the pool's
 * answer on the return to the page says. Pure: the random values, the storage, the requests and the
 * navigation are the caller's (`web/pool-sign-in.ts`).
 */

/** Where people sign in, as the API puts it on `<body>`: the pool domain's origin and the app client for people. */
export interface HostedSignIn {
  readonly origin: string;
  readonly clientId: string;
}

/** What a sign-in in progress keeps in the tab between leaving for the pool and coming back. */
export interface PendingSignIn {
  readonly verifier: string;
  readonly state: string;
}

/** What the query the pool sends the page back with says. */
export type SignInReturn =
  /** No answer of the pool in the address: an ordinary visit. */
  | { readonly kind: "none" }
  /** A code to exchange, answered to the sign-in this tab started. */
  | { readonly kind: "code"; readonly code: string; readonly verifier: string }
  /** The pool refused, or the answer is not one to this tab's sign-in: what the sign-in form says. */
  | { readonly kind: "refused"; readonly message: string };

/** The OAuth scopes the people's app client grants; the API reads the role from the access token. */
const SCOPES = "openid email profile";

/** The sign-in the page's `<body>` offers (data-sign-in-url, data-sign-in-client-id), or undefined. */
export function hostedSignInOf(
  dataset: Readonly<Record<string, string | undefined>>,
): HostedSignIn | undefined {
  const origin = dataset.signInUrl;
  const clientId = dataset.signInClientId;
  return origin && clientId ? { origin, clientId } : undefined;
}

/** Bytes as base64url without padding, as PKCE and the `state` use them. */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The S256 challenge of a code verifier: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The pool's authorize address that starts a sign-in coming back to `redirectUri`. */
export function authorizeUrl(
  signIn: HostedSignIn,
  request: { readonly redirectUri: string; readonly challenge: string; readonly state: string },
): string {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: signIn.clientId,
    redirect_uri: request.redirectUri,
    scope: SCOPES,
    code_challenge: request.challenge,
    code_challenge_method: "S256",
    state: request.state,
  });
  return `${signIn.origin}/oauth2/authorize?${query}`;
}

/** The request that exchanges a code for tokens at the pool's token endpoint: its address and form body. */
export function tokenRequest(
  signIn: HostedSignIn,
  exchange: { readonly code: string; readonly redirectUri: string; readonly verifier: string },
): { readonly url: string; readonly body: URLSearchParams } {
  return {
    url: `${signIn.origin}/oauth2/token`,
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: signIn.clientId,
      code: exchange.code,
      redirect_uri: exchange.redirectUri,
      code_verifier: exchange.verifier,
    }),
  };
}

/** The pool's logout address, which ends its session and comes back to `logoutUri`. */
export function logoutUrl(signIn: HostedSignIn, logoutUri: string): string {
  const query = new URLSearchParams({ client_id: signIn.clientId, logout_uri: logoutUri });
  return `${signIn.origin}/logout?${query}`;
}

/**
 * Reads the query the page was opened with against the sign-in this tab started (if any). A code is
 * taken only with the `state` this tab sent: any other is refused, as it may be an answer meant for
 * another browser, planted to sign this one in as someone else.
 */
export function readSignInReturn(search: string, pending: PendingSignIn | undefined): SignInReturn {
  const query = new URLSearchParams(search);
  const error = query.get("error");
  const code = query.get("code");
  if (error === null && code === null) return { kind: "none" };
  if (error !== null) {
    const description = query.get("error_description");
    return {
      kind: "refused",
      message: `The organisation sign-in was refused (${error}${description ? `: ${description}` : ""}). Try again, or sign in with an access token.`,
    };
  }
  const state = query.get("state");
  if (!pending || state === null || state !== pending.state) {
    return {
      kind: "refused",
      message:
        "The organisation sign-in could not be completed: the answer does not belong to a sign-in started in this tab. Select “Sign in with your organisation account” again.",
    };
  }
  return { kind: "code", code: code as string, verifier: pending.verifier };
}

/**
 * The access token of the token endpoint's answer, or what the sign-in form says when there is none.
 * Only the pool's error code and sentence are quoted: never a token.
 */
export function accessTokenOf(
  status: number,
  answer: unknown,
): { readonly token: string } | { readonly message: string } {
  const fields = (typeof answer === "object" && answer !== null ? answer : {}) as Record<string, unknown>;
  if (
    status >= 200 &&
    status < 300 &&
    typeof fields.access_token === "string" &&
    fields.access_token !== ""
  ) {
    return { token: fields.access_token };
  }
  const error = typeof fields.error === "string" ? fields.error : `HTTP ${status}`;
  const description = typeof fields.error_description === "string" ? `: ${fields.error_description}` : "";
  return {
    message:
      status >= 200 && status < 300
        ? "The organisation sign-in could not be completed: the user pool gave no access token. Try again, or sign in with an access token."
        : `The organisation sign-in could not be completed: the user pool refused the code (${error}${description}). Select “Sign in with your organisation account” again.`,
  };
}
