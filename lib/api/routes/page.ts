import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { constants, gzipSync } from "node:zlib";
import * as z from "zod";
import { ApiError } from "#api/http-error.ts";
import { type Route, route, textBody } from "#api/route.ts";

/**
 * The leadership page, served by the API itself so that it has the API's origin: `GET /` answers the
 * page and `GET /assets/{file}` its script and stylesheet, built by `npm run build:web` into the
 * directory named by SEGFOCUS_WEB_DIR (next to the Lambda bundle in AWS; the local stack builds its
 * own). The files are read once per directory and kept in memory.
 *
 * Locally only, SEGFOCUS_PREFILL_TOKEN puts a token into the page for its sign-in form; nothing sets
 * it in AWS, where no token is ever embedded.
 */

/** The name of a built script or stylesheet, `app-<content hash>.js`: the only files served besides the page. */
export const PAGE_ASSET_NAME = /^app-[A-Za-z0-9]+\.(js|css)$/;

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  js: "text/javascript",
  css: "text/css",
};

/**
 * The page may load only its own files, and talk only to its own origin and, when people sign in
 * through the user pool, to its token endpoint.
 */
function pageHeaders(signIn: SignIn | undefined): Record<string, string> {
  const connect = signIn ? `'self' ${signIn.origin}` : "'self'";
  return {
    "cache-control": "no-cache",
    "content-security-policy": `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connect}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  };
}

/** Where people sign in: the user pool's hosted sign-in and the app client for people. */
export interface SignIn {
  /** The pool domain's origin, such as https://segment-focus-123.auth.eu-west-1.amazoncognito.com. */
  readonly origin: string;
  readonly clientId: string;
}

/**
 * The sign-in the stack configures (SEGFOCUS_SIGN_IN_URL, SEGFOCUS_SIGN_IN_CLIENT_ID): the page then
 * offers the pool's sign-in (authorization code with PKCE) besides a pasted token. Only an https
 * origin counts, or a loopback one for a test's stand-in.
 */
export function configuredSignIn(env: NodeJS.ProcessEnv = process.env): SignIn | undefined {
  const url = env.SEGFOCUS_SIGN_IN_URL;
  const clientId = env.SEGFOCUS_SIGN_IN_CLIENT_ID;
  if (!url || !clientId || !/^[A-Za-z0-9_-]{1,128}$/.test(clientId)) return undefined;
  try {
    const parsed = new URL(url);
    const loopback = parsed.hostname === "127.0.0.1" || parsed.hostname === "localhost";
    if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) return undefined;
    return { origin: parsed.origin, clientId };
  } catch {
    return undefined;
  }
}

/** Each asset's name carries a hash of its content: a new build is a new name, so a copy never goes stale. */
const ASSET_HEADERS = {
  "cache-control": "public, max-age=31536000, immutable",
  "x-content-type-options": "nosniff",
  vary: "accept-encoding",
};

/** Whether an Accept-Encoding header takes gzip (named, or `*`, and not refused with q=0). */
export function acceptsGzip(acceptEncoding: string): boolean {
  return acceptEncoding.split(",").some((coding) => {
    const [name = "", ...parameters] = coding.split(";").map((part) => part.trim());
    const refused = parameters.some((parameter) => /^q=0(\.0*)?$/.test(parameter));
    return (name === "gzip" || name === "*") && !refused;
  });
}

interface PageAsset {
  readonly text: string;
  /** The same text gzip-compressed once, for the clients that accept it: about a third of the bytes. */
  readonly gzip: Uint8Array;
  readonly mediaType: string;
}

interface BuiltPage {
  readonly html: string;
  readonly assets: ReadonlyMap<string, PageAsset>;
}

const pages = new Map<string, Promise<BuiltPage | undefined>>();

/** The page built in `directory`, or undefined when it holds none; a page found is kept for good. */
function builtPage(directory: string): Promise<BuiltPage | undefined> {
  let page = pages.get(directory);
  if (!page) {
    page = readPage(directory);
    pages.set(directory, page);
    // Not found now may be built later (a local stack builds at start): look again next time.
    page.then(
      (found) => (found ? undefined : pages.delete(directory)),
      () => pages.delete(directory),
    );
  }
  return page;
}

async function readPage(directory: string): Promise<BuiltPage | undefined> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return undefined;
  }
  if (!names.includes("index.html")) return undefined;
  const assets = new Map<string, PageAsset>();
  for (const name of names) {
    const extension = PAGE_ASSET_NAME.exec(name)?.[1];
    if (!extension) continue;
    const text = await readFile(join(directory, name), "utf8");
    assets.set(name, {
      text,
      gzip: gzipSync(text, { level: constants.Z_BEST_COMPRESSION }),
      mediaType: MEDIA_TYPES[extension] as string,
    });
  }
  return { html: await readFile(join(directory, "index.html"), "utf8"), assets };
}

function pageNotBuilt(): ApiError {
  const configured = Boolean(process.env.SEGFOCUS_WEB_DIR);
  return new ApiError(
    503,
    "PAGE_NOT_BUILT",
    configured
      ? "the leadership page was not built into SEGFOCUS_WEB_DIR: run `npm run build:web` (it writes web-dist/) and point SEGFOCUS_WEB_DIR at that directory"
      : "the leadership page is not served: SEGFOCUS_WEB_DIR is not set; run `npm run build:web` and set SEGFOCUS_WEB_DIR=web-dist, or run `npm start`, which does both",
    { webDirConfigured: configured },
  );
}

/** `"` and `&` escaped, and `<`, `>` for good measure: the token goes into an attribute. */
function attributeValue(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The page as built, with what this deployment tells it on `<body>`: where people sign in, and (the
 * local stack only) the token that pre-fills the sign-in form.
 */
function pageFor(html: string, signIn: SignIn | undefined): string {
  const token = process.env.SEGFOCUS_PREFILL_TOKEN;
  const attributes = [
    ...(signIn
      ? [
          `data-sign-in-url="${attributeValue(signIn.origin)}"`,
          `data-sign-in-client-id="${attributeValue(signIn.clientId)}"`,
        ]
      : []),
    ...(token ? [`data-prefill-token="${attributeValue(token)}"`] : []),
  ];
  return attributes.length === 0 ? html : html.replace("<body", `<body ${attributes.join(" ")}`);
}

export const assetParamsSchema = z.object({ file: z.string() });

const assetBodySchema = z.union([textBody("text/javascript"), textBody("text/css")]);

export const pageRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/",
    summary: "Open the leadership page: the say-yes / say-no board, as HTML",
    roles: "public",
    responses: { 200: textBody("text/html") },
    errors: [503],
    async handle() {
      const directory = process.env.SEGFOCUS_WEB_DIR;
      const page = directory ? await builtPage(directory) : undefined;
      if (!page) throw pageNotBuilt();
      const signIn = configuredSignIn();
      return {
        status: 200,
        text: pageFor(page.html, signIn),
        contentType: "text/html; charset=utf-8",
        headers: pageHeaders(signIn),
      };
    },
  }),

  route({
    method: "GET",
    path: "/assets/{file}",
    summary: "Read a script or stylesheet of the leadership page",
    roles: "public",
    params: assetParamsSchema,
    responses: { 200: assetBodySchema },
    async handle({ params, acceptEncoding }) {
      const directory = process.env.SEGFOCUS_WEB_DIR;
      const page = directory ? await builtPage(directory) : undefined;
      // Only a file the build wrote is served, by exact name: no path from the request reaches the disk.
      const asset = page?.assets.get(params.file);
      if (!asset)
        throw new ApiError(404, "NOT_FOUND", `the page has no asset ${JSON.stringify(params.file)}`);
      const contentType = `${asset.mediaType}; charset=utf-8`;
      // Neither API Gateway's HTTP API nor Lambda compresses: the route sends the gzip it made once.
      if (acceptsGzip(acceptEncoding)) {
        return {
          status: 200,
          bytes: asset.gzip,
          contentType,
          headers: { ...ASSET_HEADERS, "content-encoding": "gzip" },
        };
      }
      return { status: 200, text: asset.text, contentType, headers: ASSET_HEADERS };
    },
  }),
];
