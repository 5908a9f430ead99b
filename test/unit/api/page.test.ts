import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { acceptsGzip, configuredSignIn } from "#api/routes/page.ts";
import { buildWeb } from "#scripts/build-web.ts";
import { apiEvent, expectDocumented, lambdaContext, memoryApi } from "./api-harness.ts";

/**
 * The leadership page is served by the API: `GET /` the page built into SEGFOCUS_WEB_DIR, `GET
 * /assets/{file}` only the scripts and stylesheets that build wrote, and a 503 that says how to build
 * it when there is none. Locally, and only when told, the page carries the leader token for sign-in.
 */

const PAGE =
  '<!doctype html><html lang="en"><head><title>board</title></head><body><main></main></body></html>';

afterEach(() => {
  vi.unstubAllEnvs();
});

/**
 * A directory holding a built page (or only what is given), removed after the test. Next to it lies
 * `outside.js`, which no request may reach.
 */
async function pageDirectory(files: Record<string, string> = defaultFiles()): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "segfocus-page-test-"));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, "outside.js"), "stolen");
  const directory = join(root, "web");
  await mkdir(directory);
  for (const [name, text] of Object.entries(files)) await writeFile(join(directory, name), text);
  return directory;
}

function defaultFiles(): Record<string, string> {
  return {
    "index.html": PAGE,
    "app-ABC123.js": "console.log('board');",
    "app-DEF456.css": "body { color: black; }",
    "notes.txt": "not an asset",
  };
}

/** What the API answers to a GET, as sent: the page and its assets are text (or gzip), not JSON. */
async function get(
  path: string,
  requestHeaders: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Record<string, string>;
  body: string;
  bytes: Buffer;
}> {
  const { handler } = memoryApi();
  const event = apiEvent({ method: "GET", path });
  const result: APIGatewayProxyStructuredResultV2 = await handler(
    { ...event, headers: { ...event.headers, ...requestHeaders } },
    lambdaContext(),
  );
  expectDocumented({ method: "GET", path }, result);
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
  const bytes = Buffer.from(result.body ?? "", result.isBase64Encoded ? "base64" : "utf8");
  return { status: result.statusCode ?? 0, headers, body: result.body ?? "", bytes };
}

describe("GET /", () => {
  it("answers the built page as HTML without a token, never cached stale, limited to its own origin", async () => {
    vi.stubEnv("SEGFOCUS_WEB_DIR", await pageDirectory());
    vi.stubEnv("SEGFOCUS_PREFILL_TOKEN", "");
    const answer = await get("/");
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(PAGE);
    expect(answer.headers).toMatchObject({
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    });
    expect(answer.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(answer.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(answer.headers["content-security-policy"]).toContain("connect-src 'self'");
  });

  it("puts no token into the page unless SEGFOCUS_PREFILL_TOKEN is set, as nothing sets it in AWS", async () => {
    vi.stubEnv("SEGFOCUS_WEB_DIR", await pageDirectory());
    vi.stubEnv("SEGFOCUS_PREFILL_TOKEN", "");
    expect((await get("/")).body).not.toContain("data-prefill-token");
  });

  it("pre-fills the sign-in with the token the local stack sets, as an attribute of <body>", async () => {
    vi.stubEnv("SEGFOCUS_WEB_DIR", await pageDirectory());
    vi.stubEnv("SEGFOCUS_PREFILL_TOKEN", "local-leader");
    expect((await get("/")).body).toContain('<body data-prefill-token="local-leader"><main>');
  });

  it("tells the page where people sign in, and lets it reach only that origin's token endpoint besides its own", async () => {
    vi.stubEnv("SEGFOCUS_WEB_DIR", await pageDirectory());
    vi.stubEnv("SEGFOCUS_PREFILL_TOKEN", "");
    vi.stubEnv("SEGFOCUS_SIGN_IN_URL", "https://segment-focus-1.auth.eu-west-1.amazoncognito.com/");
    vi.stubEnv("SEGFOCUS_SIGN_IN_CLIENT_ID", "4pe0plec1ient");
    const answer = await get("/");
    expect(answer.body).toContain(
      '<body data-sign-in-url="https://segment-focus-1.auth.eu-west-1.amazoncognito.com" data-sign-in-client-id="4pe0plec1ient"><main>',
    );
    expect(answer.headers["content-security-policy"]).toContain(
      "connect-src 'self' https://segment-focus-1.auth.eu-west-1.amazoncognito.com;",
    );
  });

  it.each([
    ["no client id", { SEGFOCUS_SIGN_IN_URL: "https://pool.auth.example.com" }],
    ["plain http", { SEGFOCUS_SIGN_IN_URL: "http://pool.example.com", SEGFOCUS_SIGN_IN_CLIENT_ID: "c1" }],
    ["not a URL", { SEGFOCUS_SIGN_IN_URL: "pool", SEGFOCUS_SIGN_IN_CLIENT_ID: "c1" }],
    [
      "a client id with quotes",
      { SEGFOCUS_SIGN_IN_URL: "https://p.example.com", SEGFOCUS_SIGN_IN_CLIENT_ID: '"x' },
    ],
  ])("offers no pool sign-in with %s", (_, env) => {
    expect(configuredSignIn(env)).toBeUndefined();
  });

  it("takes a loopback http origin, for a test's stand-in of the user pool", () => {
    expect(
      configuredSignIn({ SEGFOCUS_SIGN_IN_URL: "http://127.0.0.1:4567/x", SEGFOCUS_SIGN_IN_CLIENT_ID: "c1" }),
    ).toEqual({ origin: "http://127.0.0.1:4567", clientId: "c1" });
  });

  it("escapes a pre-filled token, so that it cannot break out of its attribute", async () => {
    vi.stubEnv("SEGFOCUS_WEB_DIR", await pageDirectory());
    vi.stubEnv("SEGFOCUS_PREFILL_TOKEN", '"><script>alert(1)</script>&');
    const { body } = await get("/");
    expect(body).toContain('data-prefill-token="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;"');
    expect(body).not.toContain("<script>");
  });

  it("answers 503 PAGE_NOT_BUILT, saying how to build it, when SEGFOCUS_WEB_DIR is not set", async () => {
    vi.stubEnv("SEGFOCUS_WEB_DIR", "");
    const answer = await get("/");
    expect(answer.status).toBe(503);
    expect(answer.headers["content-type"]).toBe("application/json");
    const { error } = JSON.parse(answer.body);
    expect(error.code).toBe("PAGE_NOT_BUILT");
    expect(error.message).toContain("npm run build:web");
    expect(error.details).toEqual({ webDirConfigured: false });
  });

  it("answers 503 when the directory holds no page, then serves the page once it is built there", async () => {
    const directory = await pageDirectory({});
    vi.stubEnv("SEGFOCUS_WEB_DIR", directory);
    const before = await get("/");
    expect(before.status).toBe(503);
    expect(JSON.parse(before.body).error).toMatchObject({
      code: "PAGE_NOT_BUILT",
      details: { webDirConfigured: true },
    });
    await writeFile(join(directory, "index.html"), PAGE);
    expect((await get("/")).status).toBe(200);
  });

  it("answers 503 when the directory does not exist", async () => {
    vi.stubEnv("SEGFOCUS_WEB_DIR", join(tmpdir(), "segfocus-no-such-directory"));
    expect((await get("/")).status).toBe(503);
  });

  it("reads the page once: later requests are answered from memory", async () => {
    const directory = await pageDirectory();
    vi.stubEnv("SEGFOCUS_WEB_DIR", directory);
    expect((await get("/")).status).toBe(200);
    for (const name of await readdir(directory)) await rm(join(directory, name));
    expect((await get("/")).body).toBe(PAGE);
    expect((await get("/assets/app-ABC123.js")).status).toBe(200);
  });
});

describe("GET /assets/{file}", () => {
  it("answers the built script and stylesheet with their media types, cached for good", async () => {
    vi.stubEnv("SEGFOCUS_WEB_DIR", await pageDirectory());
    const script = await get("/assets/app-ABC123.js");
    expect(script).toMatchObject({
      status: 200,
      body: "console.log('board');",
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=31536000, immutable",
      },
    });
    const stylesheet = await get("/assets/app-DEF456.css");
    expect(stylesheet.status).toBe(200);
    expect(stylesheet.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(stylesheet.body).toBe("body { color: black; }");
  });

  it.each([
    ["an unknown name", "app-000000.js"],
    ["a file of the directory that is not a built asset", "notes.txt"],
    ["the page itself", "index.html"],
    ["a parent directory, encoded", "..%2Foutside.js"],
    ["a parent directory, doubly encoded", "%252E%252E%252Foutside.js"],
    ["a backslash path", "..%5Coutside.js"],
    ["an absolute path", "%2Fetc%2Fpasswd"],
    ["a prototype key", "__proto__"],
  ])("answers 404 NOT_FOUND to %s", async (_, file) => {
    vi.stubEnv("SEGFOCUS_WEB_DIR", await pageDirectory());
    const answer = await get(`/assets/${file}`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).error.code).toBe("NOT_FOUND");
    expect(answer.body).not.toContain("stolen");
  });

  it("sends an asset gzip-compressed to a client that accepts gzip, and as text to one that does not", async () => {
    vi.stubEnv(
      "SEGFOCUS_WEB_DIR",
      await pageDirectory({ "index.html": PAGE, "app-ABC123.js": "let a = 1;\n".repeat(500) }),
    );
    const plain = await get("/assets/app-ABC123.js", { "accept-encoding": "br;q=1, gzip;q=0" });
    const packed = await get("/assets/app-ABC123.js", { "accept-encoding": "gzip, deflate, br" });

    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe("let a = 1;\n".repeat(500));
    expect(packed.headers).toMatchObject({
      "content-encoding": "gzip",
      "content-type": "text/javascript; charset=utf-8",
      vary: "accept-encoding",
    });
    expect(gunzipSync(packed.bytes).toString("utf8")).toBe(plain.body);
    expect(packed.bytes.length).toBeLessThan(plain.body.length / 10);
  });

  it.each([
    ["gzip", true],
    ["deflate, gzip;q=0.5", true],
    ["*", true],
    ["", false],
    ["br", false],
    ["gzip;q=0", false],
    ["gzip; q=0.000", false],
    ["x-gzip", false],
  ])("reads Accept-Encoding %j as accepting gzip: %s", (header, accepted) => {
    expect(acceptsGzip(header)).toBe(accepted);
  });

  it("answers 404 when no page is built", async () => {
    vi.stubEnv("SEGFOCUS_WEB_DIR", "");
    expect((await get("/assets/app-ABC123.js")).status).toBe(404);
  });
});

describe("the page as `npm run build:web` builds it", () => {
  it("is served with every script and stylesheet it links to, bundled, with nothing fetched from elsewhere", async () => {
    const directory = await pageDirectory({});
    const built = await buildWeb(directory);
    const names = built.files.map((file) => file.name);
    expect(names).toHaveLength(3);
    expect(names).toEqual(
      expect.arrayContaining([
        "index.html",
        expect.stringMatching(/^app-[A-Z0-9]+\.js$/),
        expect.stringMatching(/^app-[A-Z0-9]+\.css$/),
      ]),
    );
    vi.stubEnv("SEGFOCUS_WEB_DIR", directory);
    const page = await get("/");
    expect(page.status).toBe(200);
    const linked = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    const assets = linked.filter((url) => url.startsWith("assets/"));
    expect(assets).toHaveLength(2);
    expect(linked.filter((url) => /^(https?:)?\/\//.test(url))).toEqual([]);
    for (const asset of assets) {
      const answer = await get(`/${asset}`);
      expect(answer.status).toBe(200);
      expect(answer.body).not.toMatch(/https?:\/\/(cdn|unpkg|fonts)\./);
    }
  });

  it("replaces an earlier build's files and leaves other files of the directory alone", async () => {
    const directory = await pageDirectory({
      "app-OLD111.js": "old",
      "app-OLD222.css": "old",
      "keep.txt": "mine",
    });
    await buildWeb(directory);
    const names = await readdir(directory);
    expect(names).toContain("keep.txt");
    expect(names).not.toContain("app-OLD111.js");
    expect(names).not.toContain("app-OLD222.css");
  });
});
