// Runs axe-core on pages of a served site in headless Chromium, in the light and the
// dark colour scheme, and fails on any serious or critical violation.
//
//   node ci/axe.mjs BASE_URL PATH...      e.g. node ci/axe.mjs http://127.0.0.1:8000 /kb/ /kb/404.html
//
// Chromium is Debian's (CHROMIUM, default /usr/bin/chromium); puppeteer-core never
// downloads a browser. axe.min.js is injected into each page after it has loaded, the
// way the axe browser extensions do it, so the pages are tested as readers get them.
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [base, ...paths] = process.argv.slice(2);
if (!base || paths.length === 0) {
  console.error("usage: node ci/axe.mjs BASE_URL PATH...");
  process.exit(2);
}
const blocking = new Set(["serious", "critical"]);
const schemes = (process.env.AXE_SCHEMES || "light dark").split(/\s+/).filter(Boolean);

const profile = mkdtempSync(join(tmpdir(), "hindsight-axe-"));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${profile}`,
  ],
});

let failures = 0;
let checked = 0;
try {
  const page = await browser.newPage();
  // Every load from the server, not a 304 from the cache of the previous scheme.
  await page.setCacheEnabled(false);
  await page.setViewport({ width: 1280, height: 900 });
  for (const scheme of schemes) {
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
    for (const path of paths) {
      const url = new URL(path, base).href;
      // The pages are static: "load" has every stylesheet and image. The search page
      // builds its results UI from a script, so it is given time for that.
      const waitUntil = /\/search\/$/.test(path) ? "networkidle0" : "load";
      const response = await page.goto(url, { waitUntil, timeout: 60000 });
      // 404.html is served with 200 by a plain file server; anything else is a broken page.
      if (!response || !response.ok()) {
        console.log(`FAIL ${url} (${scheme}): HTTP ${response ? response.status() : "no response"}`);
        failures += 1;
        continue;
      }
      await page.evaluate(axeSource);
      const results = await page.evaluate(() =>
        // eslint-disable-next-line no-undef
        axe.run(document, { resultTypes: ["violations"] }),
      );
      checked += 1;
      for (const violation of results.violations) {
        if (!blocking.has(violation.impact)) continue;
        failures += 1;
        console.log(`FAIL ${url} (${scheme}): ${violation.impact} ${violation.id}: ${violation.help}`);
        console.log(`     ${violation.helpUrl}`);
        for (const node of violation.nodes.slice(0, 5)) {
          console.log(`     at ${node.target.join(" ")}: ${node.failureSummary.replace(/\n/g, " ")}`);
        }
      }
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

const version = JSON.parse(readFileSync(require.resolve("axe-core/package.json"), "utf8")).version;
console.log(
  `axe-core ${version}: ${checked} page loads (${paths.length} pages × ${schemes.join(", ")}), ` +
    `${failures} serious or critical violation(s)`,
);
process.exit(failures === 0 ? 0 : 1);
