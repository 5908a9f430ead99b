import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for the Cognito user pool's hosted sign-in, on a loopback port, for the browser test of
 * the page's sign-in through the pool. It checks each request the way the pool would and answers as
 * the pool does: `GET /oauth2/authorize` sends the browser back with a code (the sign-in page itself
 * is skipped), `POST /oauth2/token` exchanges the code once for the given access token when the
 * verifier matches the challenge, with CORS for the page, and `GET /logout` sends the browser back.
 * What it finds wrong is answered 400 and kept in `problems`, for the test to show.
 */

export interface UserPoolStandIn {
  /** Its origin, as SEGFOCUS_SIGN_IN_URL names it: http://127.0.0.1:<port>. */
  readonly origin: string;
  readonly clientId: string;
  /** How many requests each endpoint took. */
  readonly served: { authorize: number; token: number; logout: number; preflight: number };
  /** What a request had wrong, with the endpoint: empty when the page did everything right. */
  readonly problems: string[];
  /** The next sign-in comes back with another state than the page sent, as a planted answer would. */
  tamperNextState: boolean;
  /** The next exchange is refused, as the pool refuses an expired or used code (invalid_grant). */
  refuseNextCode: boolean;
  close(): Promise<void>;
}

export async function startUserPoolStandIn(options: {
  /** The page's address, `<origin>/`: the only return address registered with the client. */
  readonly pageUrl: string;
  readonly clientId: string;
  /** The access token the exchange answers: the local stack's leader token. */
  readonly accessToken: string;
}): Promise<UserPoolStandIn> {
  const pageOrigin = new URL(options.pageUrl).origin;
  /** The challenge each code was issued for; a code is exchanged once. */
  const challenges = new Map<string, string>();
  const served = { authorize: 0, token: 0, logout: 0, preflight: 0 };
  const problems: string[] = [];

  const expectations = (endpoint: string, checks: ReadonlyArray<readonly [boolean, string]>): boolean => {
    const failed = checks.filter(([ok]) => !ok).map(([, what]) => `${endpoint}: ${what}`);
    problems.push(...failed);
    return failed.length === 0;
  };
  const refuse = (response: ServerResponse, error: string, headers: Record<string, string> = {}) => {
    response.writeHead(400, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify({ error }));
  };
  const cors = { "access-control-allow-origin": pageOrigin, vary: "origin" };

  function authorize(url: URL, response: ServerResponse): void {
    served.authorize++;
    const query = url.searchParams;
    const challenge = query.get("code_challenge") ?? "";
    const state = query.get("state") ?? "";
    const fine = expectations("authorize", [
      [query.get("response_type") === "code", `response_type is ${query.get("response_type")}`],
      [query.get("client_id") === options.clientId, `client_id is ${query.get("client_id")}`],
      [query.get("redirect_uri") === options.pageUrl, `redirect_uri is ${query.get("redirect_uri")}`],
      [query.get("scope") === "openid email profile", `scope is ${query.get("scope")}`],
      [query.get("code_challenge_method") === "S256", "code_challenge_method is not S256"],
      [/^[A-Za-z0-9_-]{43}$/.test(challenge), `code_challenge ${challenge} is not a SHA-256 in base64url`],
      [state.length >= 16, "state is missing or short"],
    ]);
    if (!fine) {
      refuse(response, "invalid_request");
      return;
    }
    const code = randomBytes(16).toString("base64url");
    challenges.set(code, challenge);
    const back = new URL(options.pageUrl);
    back.searchParams.set("code", code);
    back.searchParams.set("state", standIn.tamperNextState ? `${state}-planted` : state);
    standIn.tamperNextState = false;
    response.writeHead(302, { location: back.href });
    response.end();
  }

  function token(request: IncomingMessage, text: string, response: ServerResponse): void {
    served.token++;
    const form = new URLSearchParams(text);
    const code = form.get("code") ?? "";
    const challenge = challenges.get(code);
    challenges.delete(code);
    const verifier = form.get("code_verifier") ?? "";
    const fine = expectations("token", [
      [
        (request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"),
        `content-type is ${request.headers["content-type"]}`,
      ],
      [request.headers.origin === pageOrigin, `origin is ${request.headers.origin}`],
      [form.get("grant_type") === "authorization_code", `grant_type is ${form.get("grant_type")}`],
      [form.get("client_id") === options.clientId, `client_id is ${form.get("client_id")}`],
      [challenge !== undefined, "the code was not issued, or was exchanged before"],
      [form.get("redirect_uri") === options.pageUrl, `redirect_uri is ${form.get("redirect_uri")}`],
      [
        createHash("sha256").update(verifier).digest("base64url") === challenge,
        "base64url(sha256(code_verifier)) is not the challenge the code was issued for",
      ],
    ]);
    if (!fine) {
      refuse(response, "invalid_request", cors);
      return;
    }
    if (standIn.refuseNextCode) {
      standIn.refuseNextCode = false;
      refuse(response, "invalid_grant", cors);
      return;
    }
    response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store", ...cors });
    response.end(
      JSON.stringify({
        access_token: options.accessToken,
        id_token: "x",
        token_type: "Bearer",
        expires_in: 3600,
      }),
    );
  }

  function logout(url: URL, response: ServerResponse): void {
    served.logout++;
    const logoutUri = url.searchParams.get("logout_uri");
    const fine = expectations("logout", [
      [
        url.searchParams.get("client_id") === options.clientId,
        `client_id is ${url.searchParams.get("client_id")}`,
      ],
      [logoutUri === options.pageUrl, `logout_uri is ${logoutUri}`],
    ]);
    if (!fine) {
      refuse(response, "invalid_request");
      return;
    }
    response.writeHead(302, { location: logoutUri as string });
    response.end();
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://stand-in");
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const route = `${request.method} ${url.pathname}`;
      if (route === "GET /oauth2/authorize") return authorize(url, response);
      if (route === "POST /oauth2/token")
        return token(request, Buffer.concat(chunks).toString("utf8"), response);
      if (route === "OPTIONS /oauth2/token") {
        served.preflight++;
        response.writeHead(204, {
          ...cors,
          "access-control-allow-methods": "POST",
          "access-control-allow-headers": "content-type",
        });
        return response.end();
      }
      if (route === "GET /logout") return logout(url, response);
      response.writeHead(404);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const standIn: UserPoolStandIn = {
    origin: `http://127.0.0.1:${port}`,
    clientId: options.clientId,
    served,
    problems,
    tamperNextState: false,
    refuseNextCode: false,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return standIn;
}
