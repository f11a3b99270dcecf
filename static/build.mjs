// build.mjs copies the front-end packages npm installed into dist/, which the
// Go binary embeds. Plain Node, no bundler: htmx ships a minified build and
// our own script (js/board.js) is served as written.
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");

// Each entry: the installed file and its name under dist/.
const assets = [
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx.min.js"],
];

mkdirSync(dist, { recursive: true });
for (const [from, to] of assets) {
  const src = join(here, from);
  try {
    statSync(src);
  } catch {
    console.error(`build.mjs: ${from} is missing; run "npm ci" in static/ first (make assets does).`);
    process.exit(1);
  }
  copyFileSync(src, join(dist, to));
  console.log(`build.mjs: ${from} -> dist/${to}`);
}
