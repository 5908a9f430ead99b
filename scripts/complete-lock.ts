/**
 * npm run lock:complete — restores the lock entries of foreign-platform native builds that the
 * registry cannot serve (see the README's "Dependencies"), so that `npm ci` accepts the lock. Each
 * entry names the package, its version and its platform; none is ever fetched on another platform.
 */
import { readFileSync, writeFileSync } from "node:fs";

interface LockPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
  dev?: boolean;
  [key: string]: unknown;
}

const PARENTS = ["node_modules/@biomejs/biome", "node_modules/@duckdb/node-bindings"];
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as {
  packages: Record<string, LockPackage>;
};
let added = 0;
for (const parent of PARENTS) {
  const entry = lock.packages[parent];
  for (const [name, version] of Object.entries(entry?.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    // Names end in <os>-<cpu>[-musl]: @biomejs/cli-darwin-arm64, @duckdb/node-bindings-linux-x64-musl.
    const [os, cpu, libc] = name.replace(/^.*\/(cli|node-bindings)-/, "").split("-");
    lock.packages[key] = {
      version,
      cpu: [cpu as string],
      dev: entry?.dev ?? true,
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      os: [os as string],
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} foreign-platform lock entries`);
