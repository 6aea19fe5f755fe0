// Builds the static frontend into dist/, a folder uploaded as-is to the CDN.
//   dist/*.html                 pages (copied from src/pages, checked for CSP compliance)
//   dist/js/*.js                ES modules bundled by esbuild (code splitting: the zxcvbn
//                               dictionaries live in lazily imported chunks)
//   dist/css/app.css            our few styles (minified)
//   dist/dsfr/                  DSFR css (only the components and utilities the pages use, dsfr-css.mjs),
//                               module js, and only the fonts/icons/favicons they reference
// Runs offline from node_modules. Usage: npm run build
import { build, transform } from 'esbuild';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { reduceDsfrCss, missingClasses } from './dsfr-css.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const require = createRequire(import.meta.url);
const dsfrDist = path.join(path.dirname(require.resolve('@gouvfr/dsfr/package.json')), 'dist');

const started = Date.now();
const problems = [];

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(path.join(dist, 'js'), { recursive: true });
fs.mkdirSync(path.join(dist, 'css'), { recursive: true });
fs.mkdirSync(path.join(dist, 'dsfr'), { recursive: true });

// 1. JavaScript: one entry per page, shared code and lazy chunks split out.
const entries = fs.readdirSync(path.join(src, 'pages')).filter((f) => f.endsWith('.js'));
const result = await build({
  entryPoints: entries.map((f) => path.join(src, 'pages', f)),
  outdir: path.join(dist, 'js'),
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: ['es2020'],
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

// 2. Our CSS (no bundling: url() paths stay as written, relative to dist/css/).
const appCss = fs.readFileSync(path.join(src, 'css', 'app.css'), 'utf8');
const minCss = await transform(appCss, { loader: 'css', minify: true });
fs.writeFileSync(path.join(dist, 'css', 'app.css'), minCss.code);

// 3. DSFR: the module script and the favicons (the stylesheet comes in 4b, once the pages are written).
const copy = (from, to) => {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
};
copy(path.join(dsfrDist, 'dsfr.module.min.js'), path.join(dist, 'dsfr', 'dsfr.module.min.js'));
for (const file of ['favicon.svg', 'favicon.ico', 'apple-touch-icon.png']) {
  copy(path.join(dsfrDist, 'favicon', file), path.join(dist, 'dsfr', 'favicon', file));
}

// Every url() of a stylesheet must resolve inside dist/ (relative to the stylesheet).
const cssUrls = (css) =>
  [...css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)]
    .map((m) => m[2].trim())
    .filter((u) => !u.startsWith('data:') && !u.startsWith('#'))
    .map((u) => u.split(/[?#]/)[0]);

// app.css may point into ../dsfr/icons/: copy those files from the DSFR package too.
for (const url of new Set(cssUrls(minCss.code))) {
  const target = path.resolve(dist, 'css', url);
  const rel = path.relative(path.join(dist, 'dsfr'), target);
  if (!rel.startsWith('..') && fs.existsSync(path.join(dsfrDist, rel))) copy(path.join(dsfrDist, rel), target);
  if (!fs.existsSync(target)) problems.push(`app.css references a missing file: ${url}`);
}

// Tiny include mechanism for the shared page shell, header/footer and the DSFR field groups and modals:
//   <!-- @include header.html app page=home -->
//   <!-- @begin modal.html id=delete-modal ... -->body<!-- @slot footer -->footer<!-- @end modal.html -->
// Arguments are key=value (quoted when the value holds spaces: text="Nouveau mot de passe") or bare flags (nav).
// In a partial:
//   {{arg:id}}         the value of id=... (an error when missing); {{arg:type=text}} with a default
//   {{attr:name}}      ' name="value"' when name=value is given, ' name' for a flag, nothing otherwise
//   {{if:nav}}...{{/if}}  kept only when nav is given; {{if:!nav}} when it is not; {{if:a|b}} when either is;
//                      ifs nest
//   {{current:home}}   ' aria-current="page"' when page=home (' aria-current="true"' when section=home)
//   {{slot}}, {{slot:footer}}  the markup between @begin and @end (split by <!-- @slot footer -->); empty for @include
// A partial may include other partials (each with its own arguments), up to a few levels deep.
const IF = /\{\{if:(!?[\w-]+(?:\|!?[\w-]+)*)\}\}((?:(?!\{\{if:)[\s\S])*?)\{\{\/if\}\}/g;
const holds = (args, cond) => cond.split('|').some((c) => (c.startsWith('!') ? !args[c.slice(1)] : Boolean(args[c])));

function renderPartial(name, rawArgs, slots, page, depth) {
  const file = path.join(src, 'partials', name);
  if (!fs.existsSync(file)) {
    problems.push(`${page}: missing partial ${name}`);
    return '';
  }
  const args = {};
  for (const [, k, quoted, bare] of rawArgs.matchAll(/([\w-]+)(?:="([^"]*)"|=(\S+))?/g)) {
    args[k] = quoted ?? bare ?? true;
  }
  let text = fs.readFileSync(file, 'utf8');
  for (let before = ''; before !== text; ) {
    before = text;
    text = text.replace(IF, (mm, cond, inner) => (holds(args, cond) ? inner : ''));
  }
  text = text
    .replace(/\{\{arg:([\w-]+)(?:=([^}]*))?\}\}/g, (mm, k, fallback) => {
      if (typeof args[k] === 'string') return args[k];
      if (fallback !== undefined) return fallback;
      problems.push(`${page}: ${name} needs ${k}=...`);
      return '';
    })
    .replace(/\{\{attr:([\w-]+)\}\}/g, (mm, k) => {
      if (args[k] === true) return ` ${k}`;
      return typeof args[k] === 'string' ? ` ${k}="${args[k]}"` : '';
    })
    .replace(/\{\{current:(\w+)\}\}/g, (mm, p) => {
      if (args.page === p) return ' aria-current="page"';
      return args.section === p ? ' aria-current="true"' : '';
    })
    .replace(/\{\{slot(?::(\w+))?\}\}/g, (mm, s) => (slots[s || ''] ?? '').replace(/^\n/, '').replace(/\n\s*$/, ''))
    .replace(/\n$/, '');
  return renderPage(text, page, depth + 1);
}

function renderPage(html, page, depth = 0) {
  if (depth > 6) {
    problems.push(`${page}: partials included too deeply (a partial includes itself?)`);
    return html;
  }
  return html
    .replace(/<!--\s*@begin\s+([\w.-]+)([^>]*?)-->([\s\S]*?)<!--\s*@end\s+\1\s*-->/g, (m, name, rawArgs, body) => {
      // Blocks inside the body take their own slots first: what is left are this block's.
      const [main, ...rest] = renderPage(body, page, depth + 1).split(/<!--\s*@slot\s+(\w+)\s*-->/);
      const slots = { '': main };
      for (let i = 0; i < rest.length; i += 2) slots[rest[i]] = rest[i + 1];
      return renderPartial(name, rawArgs, slots, page, depth);
    })
    .replace(/<!--\s*@include\s+([\w.-]+)([^>]*?)-->/g, (m, name, rawArgs) => renderPartial(name, rawArgs, {}, page, depth));
}

// 4. HTML pages, with a CSP lint: no inline script, no inline style, every local reference present.
for (const page of fs.readdirSync(path.join(src, 'pages')).filter((f) => f.endsWith('.html'))) {
  const html = renderPage(fs.readFileSync(path.join(src, 'pages', page), 'utf8'), page);
  if (/<!--\s*@(include|begin|end|slot)\b|\{\{(arg|attr|if|\/if|slot|current)[:}]/.test(html)) {
    problems.push(`${page}: an include or a {{...}} was left unresolved (an @begin without its @end?)`);
  }
  if (/<script(?![^>]*\ssrc=)[^>]*>/i.test(html)) problems.push(`${page}: inline <script> (blocked by the CSP)`);
  if (/<style[\s>]/i.test(html)) problems.push(`${page}: <style> block (blocked by the CSP)`);
  if (/\sstyle\s*=/i.test(html)) problems.push(`${page}: style="" attribute (blocked by the CSP)`);
  if (/\son[a-z]+\s*=/i.test(html)) problems.push(`${page}: inline event handler (blocked by the CSP)`);
  fs.writeFileSync(path.join(dist, page), html);
}

// 4b. The DSFR stylesheet: dsfr.min.css without the components and utility classes that no page or module uses
// (dsfr-css.mjs), written as dist/dsfr/dsfr.min.css; then the files it references (fonts, icons).
const jsSources = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? jsSources(path.join(dir, d.name)) : d.name.endsWith('.js') ? [path.join(dir, d.name)] : []);
const used = new Set();
for (const file of [...fs.readdirSync(dist).filter((f) => f.endsWith('.html')).map((f) => path.join(dist, f)), ...jsSources(src)]) {
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bfr-[\w-]+/g)) used.add(m[0]);
}
const dsfrCss = reduceDsfrCss(dsfrDist, used);
fs.writeFileSync(path.join(dist, 'dsfr', 'dsfr.min.css'), dsfrCss.css);
for (const cls of missingClasses(dsfrCss.full, dsfrCss.css, used)) {
  problems.push(`the class ${cls} is used but no longer styled: add its component to COMPONENTS in dsfr-css.mjs`);
}
for (const url of new Set(cssUrls(dsfrCss.css))) {
  const from = path.join(dsfrDist, url);
  if (fs.existsSync(from)) copy(from, path.join(dist, 'dsfr', url));
  else problems.push(`dsfr.min.css references a missing file: ${url}`);
}
for (const page of fs.readdirSync(dist).filter((f) => f.endsWith('.html'))) {
  const html = fs.readFileSync(path.join(dist, page), 'utf8');
  for (const m of html.matchAll(/\s(?:src|href)="([^"]+)"/g)) {
    const ref = m[1];
    if (/^(https?:|mailto:|#|\/$|\/?[a-z-]+\.html$)/.test(ref)) continue;
    if (!fs.existsSync(path.join(dist, ref.replace(/^\//, '').split(/[?#]/)[0]))) {
      problems.push(`${page}: reference to a missing file ${ref}`);
    }
  }
}

// 5. The zxcvbn dictionaries must not be in a page bundle: only in lazily imported chunks.
// Walk the static imports of each page entry: none may reach a dictionary.
const outputs = result.metafile.outputs;
for (const [file, info] of Object.entries(outputs)) {
  if (!info.entryPoint || !info.entryPoint.startsWith('src/pages/')) continue;
  const seen = new Set();
  const walk = (out) => {
    if (seen.has(out)) return;
    seen.add(out);
    if (Object.keys(outputs[out].inputs).some((i) => /@zxcvbn-ts\//.test(i))) {
      problems.push(`${file}: zxcvbn is statically imported (through ${out}); it must stay lazy`);
    }
    for (const imp of outputs[out].imports) if (imp.kind === 'import-statement') walk(imp.path);
  };
  walk(file);
}

// Report.
const sizeOf = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, d) => {
    const p = path.join(dir, d.name);
    return sum + (d.isDirectory() ? sizeOf(p) : fs.statSync(p).size);
  }, 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const jsDir = path.join(dist, 'js');
const role = {};
for (const [file, info] of Object.entries(outputs)) {
  const name = path.basename(file);
  if (info.entryPoint?.startsWith('src/pages/')) role[name] = 'page';
  else if (info.entryPoint) role[name] = `lazy: ${info.entryPoint.replace(/^node_modules\//, '').replace(/\/dist\/index\.mjs$/, '')}`;
  else role[name] = 'shared';
}
for (const f of fs.readdirSync(jsDir).sort()) {
  const bytes = fs.readFileSync(path.join(jsDir, f));
  const gz = zlib.gzipSync(bytes).length;
  console.log(`  dist/js/${f.padEnd(24)} ${kb(bytes.length).padStart(11)}  (gzip ${kb(gz).padStart(10)})  ${role[f] || ''}`);
}
console.log(`  dist/js total                  ${kb(sizeOf(jsDir)).padStart(11)}`);
console.log(`  dist/dsfr total                ${kb(sizeOf(path.join(dist, 'dsfr'))).padStart(11)}`);
console.log(`  dist total                     ${kb(sizeOf(dist)).padStart(11)}`);

if (problems.length) {
  for (const p of problems) console.error(`build error: ${p}`);
  process.exit(1);
}
console.log(`built dist/ in ${Date.now() - started} ms`);
