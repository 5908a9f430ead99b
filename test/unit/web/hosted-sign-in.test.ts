import { describe, expect, it } from "vitest";
import {
  accessTokenOf,
  authorizeUrl,
  base64url,
  codeChallenge,
  hostedSignInOf,
  logoutUrl,
  readSignInReturn,
  tokenRequest,
} from "#web/hosted-sign-in.ts";

/**
 * What the page sends to the user pool's hosted sign-in and reads from its answer: the authorization
 * code grant with PKCE (RFC 7636, S256), the state that ties an answer to the tab that asked, and the
 * pool's logout.
 */

const POOL = {
  origin: "https://segment-focus-123.auth.eu-west-1.amazoncognito.com",
  clientId: "4abc5def6ghi",
};
const PAGE = "https://api.example.com/";
const PENDING = { verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", state: "s7ate-from-this-tab" };

describe("the sign-in the page offers", () => {
  it("is the pool's origin and client id the API put on <body>", () => {
    expect(hostedSignInOf({ signInUrl: POOL.origin, signInClientId: POOL.clientId })).toEqual(POOL);
  });

  it("is none when the API put neither (the local stack) or only one of them", () => {
    expect(hostedSignInOf({ prefillToken: "local" })).toBeUndefined();
    expect(hostedSignInOf({ signInUrl: POOL.origin })).toBeUndefined();
    expect(hostedSignInOf({ signInClientId: POOL.clientId })).toBeUndefined();
  });
});

describe("the PKCE challenge of a code verifier", () => {
  it("is base64url(SHA-256(verifier)), as RFC 7636's test vector (appendix B) gives it", async () => {
    expect(await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("is written in base64url without padding: '-' and '_' for '+' and '/', no '='", () => {
    expect(base64url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("-_-_");
    expect(base64url(new Uint8Array([0xff]))).toBe("_w");
    // RFC 7636's verifier is the base64url of these 32 octets.
    const octets = [
      116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214,
      191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    expect(base64url(new Uint8Array(octets))).toBe(PENDING.verifier);
  });
});

describe("the address that starts a sign-in", () => {
  it("asks the pool's authorize endpoint for a code, with the client, the return address, the scopes, the S256 challenge and the state", () => {
    const url = new URL(
      authorizeUrl(POOL, {
        redirectUri: PAGE,
        challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        state: PENDING.state,
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(`${POOL.origin}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: POOL.clientId,
      redirect_uri: PAGE,
      scope: "openid email profile",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
      state: PENDING.state,
    });
    expect(url.search).toContain("scope=openid+email+profile");
    expect(url.search).toContain(`redirect_uri=${encodeURIComponent(PAGE)}`);
  });
});

describe("the exchange of a code", () => {
  it("posts the code, the client, the same return address and the verifier to the pool's token endpoint", () => {
    const request = tokenRequest(POOL, { code: "c0de", redirectUri: PAGE, verifier: PENDING.verifier });
    expect(request.url).toBe(`${POOL.origin}/oauth2/token`);
    expect(Object.fromEntries(request.body)).toEqual({
      grant_type: "authorization_code",
      client_id: POOL.clientId,
      code: "c0de",
      redirect_uri: PAGE,
      code_verifier: PENDING.verifier,
    });
  });

  it("takes the access token of the pool's answer (the API reads the role from it), not the id token", () => {
    expect(
      accessTokenOf(200, { access_token: "access", id_token: "id", token_type: "Bearer", expires_in: 3600 }),
    ).toEqual({ token: "access" });
  });

  it("fails with the pool's error and sentence when the pool refuses the code", () => {
    const failed = accessTokenOf(400, { error: "invalid_grant", error_description: "code expired" });
    expect(failed).toEqual({
      message: expect.stringMatching(
        /^The organisation sign-in could not be completed: .*\(invalid_grant: code expired\)/,
      ),
    });
  });

  it("fails with the status when the pool's refusal is not JSON, and when an answer holds no access token", () => {
    expect(accessTokenOf(502, undefined)).toEqual({ message: expect.stringContaining("(HTTP 502)") });
    expect(accessTokenOf(200, { id_token: "id" })).toEqual({
      message: expect.stringContaining("gave no access token"),
    });
  });

  it("never puts a token into what it says", () => {
    const answer = { access_token: "", id_token: "secret-id-token", refresh_token: "secret-refresh" };
    const failed = accessTokenOf(200, answer) as { message: string };
    expect(failed.message).not.toMatch(/secret/);
  });
});

describe("the address the pool sends the page back to", () => {
  it("says nothing of a sign-in on an ordinary visit", () => {
    expect(readSignInReturn("", PENDING)).toEqual({ kind: "none" });
    expect(readSignInReturn("?utm_source=mail", undefined)).toEqual({ kind: "none" });
  });

  it("gives the code and the kept verifier when the state is the one this tab sent", () => {
    expect(readSignInReturn(`?code=c0de&state=${PENDING.state}`, PENDING)).toEqual({
      kind: "code",
      code: "c0de",
      verifier: PENDING.verifier,
    });
  });

  it("refuses a code whose state is not the one this tab sent, is missing, or that no sign-in of this tab asked for", () => {
    for (const [search, pending] of [
      ["?code=c0de&state=tampered", PENDING],
      ["?code=c0de", PENDING],
      [`?code=c0de&state=${PENDING.state}`, undefined],
    ] as const) {
      expect(readSignInReturn(search, pending), search).toEqual({
        kind: "refused",
        message: expect.stringMatching(
          /^The organisation sign-in could not be completed: .*started in this tab/,
        ),
      });
    }
  });

  it("says what the pool refused, with its error and sentence", () => {
    expect(
      readSignInReturn(
        `?error=access_denied&error_description=User+is+disabled.&state=${PENDING.state}`,
        PENDING,
      ),
    ).toEqual({
      kind: "refused",
      message:
        "The organisation sign-in was refused (access_denied: User is disabled.). Try again, or sign in with an access token.",
    });
    expect(readSignInReturn("?error=server_error", undefined)).toMatchObject({
      kind: "refused",
      message: expect.stringContaining("(server_error)"),
    });
  });
});

describe("the address that signs out of the pool", () => {
  it("is the pool's logout endpoint with the client and the page to come back to", () => {
    const url = new URL(logoutUrl(POOL, PAGE));
    expect(`${url.origin}${url.pathname}`).toBe(`${POOL.origin}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: POOL.clientId, logout_uri: PAGE });
  });
});
