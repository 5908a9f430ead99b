import {
  accessTokenOf,
  authorizeUrl,
  base64url,
  codeChallenge,
  type HostedSignIn,
  logoutUrl,
  type PendingSignIn,
  readSignInReturn,
  type SignInReturn,
  tokenRequest,
} from "./hosted-sign-in.ts";

/**
 * The browser's side of signing in through the user pool: the random verifier and state, kept in the
 * tab while the pool's page is shown, the code exchanged for an access token, and the pool's logout.
 */

const PENDING_KEY = "segfocus.sign-in-pending";

/** Where the pool sends people back, signed in or out: the page itself, as the stack registers it. */
function pageAddress(): string {
  return `${location.origin}/`;
}

/** Random bytes as base64url: 32 bytes make a verifier of 43 characters, as RFC 7636 asks. */
function randomText(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Leaves for the pool's sign-in, keeping the verifier and the state for the return. */
export async function leaveForHostedSignIn(signIn: HostedSignIn): Promise<void> {
  const pending: PendingSignIn = { verifier: randomText(32), state: randomText(16) };
  const challenge = await codeChallenge(pending.verifier);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  location.assign(authorizeUrl(signIn, { redirectUri: pageAddress(), challenge, state: pending.state }));
}

/**
 * What the address the page was opened with says of a sign-in through the pool. Once read, the answer
 * leaves the address and the kept verifier and state are dropped: a code is good for one exchange,
 * and a reload must not try it again.
 */
export function takeHostedSignInReturn(): SignInReturn {
  const answer = readSignInReturn(location.search, keptPendingSignIn());
  if (answer.kind === "none") return answer;
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(history.state, "", `${location.pathname}${location.hash}`);
  return answer;
}

function keptPendingSignIn(): PendingSignIn | undefined {
  try {
    const kept = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? "null") as Partial<PendingSignIn> | null;
    return typeof kept?.verifier === "string" && typeof kept.state === "string"
      ? { verifier: kept.verifier, state: kept.state }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Exchanges a code at the pool's token endpoint for the access token, or what the sign-in form says. */
export async function exchangeCode(
  signIn: HostedSignIn,
  code: string,
  verifier: string,
): Promise<{ readonly token: string } | { readonly message: string }> {
  const request = tokenRequest(signIn, { code, redirectUri: pageAddress(), verifier });
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: request.body,
    });
  } catch (error) {
    return {
      message: `The organisation sign-in could not be completed: the user pool could not be reached (${(error as Error).message}). Try again.`,
    };
  }
  let answer: unknown;
  try {
    answer = await response.json();
  } catch {
    answer = undefined;
  }
  return accessTokenOf(response.status, answer);
}

/** Leaves for the pool's logout, which ends its session too and comes back to the page. */
export function leaveForHostedSignOut(signIn: HostedSignIn): void {
  location.assign(logoutUrl(signIn, pageAddress()));
}
