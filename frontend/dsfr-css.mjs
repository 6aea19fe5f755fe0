// The DSFR stylesheet of this site: dsfr.min.css without the components and utilities the pages do not use.
//
// The DSFR ships its CSS per component (dist/component/*), but dsfr.min.css is not their concatenation: its
// minifier merged the media queries, so loading the component files one after the other changes the order of
// the cascade. Instead, this keeps dsfr.min.css as it is, rule for rule and in the same order, and removes:
//   - the selectors naming a class of a component the pages do not use (card, tile, tag, badge, accordion…),
//     or a part of a used component that no page names (the header's search bar, the rich radio buttons): the
//     blocks (fr-x of fr-x__y--z) of dist/component/<name>/<name>.min.css that neither the core nor a page uses;
//   - the selectors naming a spacing, grid or display utility class of the core (fr-mt-3w, fr-col-md-6,
//     fr-hidden-sm…), or fr-text--alt, that no page, module or KEEP entry uses;
//   - then the rules left without a selector, the empty @media blocks, and the @font-face of a family nothing
//     uses any more.
// `used` is every fr-* class written in the built pages and in our modules (src/**/*.js); classes the DSFR
// script adds at run time (fr-modal--opened, fr-collapse--expanded…) belong to the components kept.
import fs from 'node:fs';
import path from 'node:path';

// The DSFR components the pages use (dist/component/<name>): the others are removed.
export const COMPONENTS = [
  'alert', 'badge', 'breadcrumb', 'button', 'callout', 'checkbox', 'footer', 'form', 'header', 'input', 'link', 'logo',
  'modal', 'navigation', 'pagination', 'password', 'radio', 'select', 'skiplink', 'table',
  'upload', // « Sélection de la pièce jointe » (guide §6)
];
// Classes used outside the built pages and modules: devstack/outbox.py (the local mail box) links dsfr.min.css.
export const KEEP = ['fr-container', 'fr-my-4w'];

// Utility classes of the core kept only when used: margins and paddings, grid columns, display per breakpoint, and
// fr-text--alt, the one rule in Spectral (its @font-face and font files go with it).
const UTILITY = /^fr-(?:[mp][trblxy]?-(?:(?:sm|md|lg|xl)-)?[a-z0-9]+|col(?:-offset)?(?:-(?:xs|sm|md|lg|xl))?-\d+(?:--right)?|(?:un)?hidden-(?:xs|sm|md|lg|xl)|text--alt)$/;
const CLASS = /\.(fr-[\w-]+)/g;
const block = (cls) => cls.split(/__|--/)[0];

// Split CSS text into top-level items: { prelude, body } for `prelude{body}`, or { text } for comments.
function items(css) {
  const out = [];
  let i = 0;
  while (i < css.length) {
    if (css.startsWith('/*', i)) {
      const end = css.indexOf('*/', i + 2) + 2;
      out.push({ text: css.slice(i, end) });
      i = end;
      continue;
    }
    if (/\s/.test(css[i])) { i += 1; continue; }
    let j = i;
    let quote = null;
    let depth = 0;
    let open = -1;
    for (; j < css.length; j += 1) {
      const c = css[j];
      if (quote) { if (c === '\\') j += 1; else if (c === quote) quote = null; continue; }
      if (c === '"' || c === "'") quote = c;
      else if (c === '{') { if (depth === 0) open = j; depth += 1; }
      else if (c === '}') { depth -= 1; if (depth === 0) break; }
      else if (c === ';' && depth === 0) break; // @charset, @import
    }
    if (open < 0) out.push({ text: css.slice(i, j + 1) });
    else out.push({ prelude: css.slice(i, open), body: css.slice(open + 1, j) });
    i = j + 1;
  }
  return out;
}

// Split a selector list on its top-level commas (not inside :is(), :not(), [attr="a,b"]).
function selectors(list) {
  const out = [];
  let depth = 0;
  let quote = null;
  let start = 0;
  for (let i = 0; i < list.length; i += 1) {
    const c = list[i];
    if (quote) { if (c === quote) quote = null; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth += 1;
    else if (c === ')' || c === ']') depth -= 1;
    else if (c === ',' && depth === 0) { out.push(list.slice(start, i)); start = i + 1; }
  }
  out.push(list.slice(start));
  return out;
}

const classesOf = (css) => new Set([...css.matchAll(CLASS)].map((m) => m[1]));

export function reduceDsfrCss(dsfrDist, used) {
  const full = fs.readFileSync(path.join(dsfrDist, 'dsfr.min.css'), 'utf8');
  const componentDir = path.join(dsfrDist, 'component');
  const kept = new Set(classesOf(fs.readFileSync(path.join(dsfrDist, 'core', 'core.min.css'), 'utf8')));
  const dropped = new Set();
  for (const name of fs.readdirSync(componentDir)) {
    const file = path.join(componentDir, name, `${name}.min.css`);
    if (!fs.existsSync(file)) continue;
    const blocks = new Set([...classesOf(fs.readFileSync(file, 'utf8'))].map(block));
    if (!COMPONENTS.includes(name)) blocks.forEach((b) => dropped.add(b));
    // A used component also styles parts the pages do not use (the header's search bar and language switch,
    // the table's badges, the rich radio buttons): a block that no page or module names goes too. The classes
    // the DSFR script adds at run time share the blocks of the elements they go on (fr-modal--opened).
    else blocks.forEach((b) => { if (!used.has(b) && ![...used].some((u) => block(u) === b)) dropped.add(b); });
  }
  for (const cls of [...used, ...KEEP]) kept.add(block(cls));
  for (const b of kept) dropped.delete(b);

  const usedSet = new Set([...used, ...KEEP]);
  const unusedClass = (cls) => dropped.has(block(cls)) || (UTILITY.test(cls) && !usedSet.has(cls));
  // A class inside :not(…) does not need to be present: `.fr-col-offset-md-6:not(.fr-col-offset-md-6--right)`.
  const keepSelector = (sel) => ![...sel.replace(/:not\([^()]*\)/g, '').matchAll(CLASS)].some((m) => unusedClass(m[1]));

  const filter = (css) => items(css).map((item) => {
    if (item.text !== undefined) return item.text.startsWith('/*!') ? `${item.text}\n` : item.text;
    const prelude = item.prelude.trim();
    if (prelude.startsWith('@')) {
      // Rules inside @media / @supports / @layer are filtered; @font-face, @keyframes… are kept whole (for now).
      if (/^@(media|supports|layer|container)\b/.test(prelude)) {
        const inner = filter(item.body);
        return inner.trim() ? `${prelude}{${inner}}` : '';
      }
      return `${prelude}{${item.body}}`;
    }
    const sels = selectors(prelude).filter(keepSelector);
    return sels.length ? `${sels.join(',')}{${item.body}}` : '';
  }).join('');

  let css = filter(full);
  // @font-face of a family no declaration uses any more (Spectral, once fr-text--alt is gone).
  const families = (text) => new Set([...text.matchAll(/font-family:\s*([^;}]+)/g)].flatMap((m) => m[1].split(',').map((f) => f.trim().replace(/^["']|["']$/g, ''))));
  const outside = css.replace(/@font-face\{[^}]*\}/g, '');
  const inUse = families(outside);
  css = css.replace(/@font-face\{[^}]*\}/g, (face) => {
    const family = [...families(face)][0];
    return inUse.has(family) ? face : '';
  });
  return { css, full, dropped };
}

// Every fr-* class of the full stylesheet that the pages use must still be styled by the reduced one.
export function missingClasses(full, reduced, used) {
  const before = classesOf(full);
  const after = classesOf(reduced);
  return [...used].filter((cls) => before.has(cls) && !after.has(cls)).sort();
}
