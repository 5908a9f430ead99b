import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { PAGE_ASSET_NAME } from "#api/routes/page.ts";

/**
 * Builds the leadership page (web/) into a directory the API serves it from: `index.html`, and one
 * script and one stylesheet whose names carry a hash of their content, so that browsers may cache
 * them for good. Chart.js comes from node_modules, bundled and tree-shaken: nothing is fetched from
 * the internet when the page runs.
 */

const WEB_SOURCE = resolve(dirname(fileURLToPath(import.meta.url)), "..", "web");

export interface BuiltFile {
  readonly name: string;
  readonly bytes: number;
}

export interface BuiltPage {
  readonly outDir: string;
  readonly files: readonly BuiltFile[];
}

export async function buildWeb(outDir: string): Promise<BuiltPage> {
  const result = await build({
    entryPoints: [join(WEB_SOURCE, "main.ts")],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    entryNames: "app-[hash]",
    outdir: outDir,
    write: false,
    logLevel: "silent",
    legalComments: "eof",
  });
  const assets = result.outputFiles.map((file) => ({ name: basename(file.path), contents: file.contents }));
  const script = assets.find((asset) => asset.name.endsWith(".js"));
  const stylesheet = assets.find((asset) => asset.name.endsWith(".css"));
  if (!script || !stylesheet) throw new Error("the page build made no script or no stylesheet");

  const template = await readFile(join(WEB_SOURCE, "index.html"), "utf8");
  // Relative URLs, so the page also works behind a stage prefix (`/prod/`).
  const html = template
    .replace("<!-- stylesheet -->", `<link rel="stylesheet" href="assets/${stylesheet.name}" />`)
    .replace("<!-- script -->", `<script type="module" src="assets/${script.name}"></script>`);
  if (html.includes("<!-- stylesheet -->") || html.includes("<!-- script -->") || html === template) {
    throw new Error("web/index.html has lost its <!-- stylesheet --> or <!-- script --> placeholder");
  }

  await mkdir(outDir, { recursive: true });
  // Only what an earlier build wrote is removed: outDir may be a directory with other files.
  for (const name of await readdir(outDir)) {
    if (name === "index.html" || PAGE_ASSET_NAME.test(name)) await rm(join(outDir, name));
  }
  const files: BuiltFile[] = [];
  for (const asset of assets) {
    await writeFile(join(outDir, asset.name), asset.contents);
    files.push({ name: asset.name, bytes: asset.contents.byteLength });
  }
  await writeFile(join(outDir, "index.html"), html);
  files.push({ name: "index.html", bytes: Buffer.byteLength(html) });
  return { outDir, files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write("usage: node --import tsx scripts/build-web.ts <outDir>\n");
    process.exit(2);
  }
  const page = await buildWeb(outDir);
  for (const file of page.files) {
    process.stdout.write(`${join(page.outDir, file.name)}  ${file.bytes.toLocaleString("en-US")} bytes\n`);
  }
}
