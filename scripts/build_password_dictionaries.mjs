// Writes chalicelib/domain/data/password_dictionaries.json.gz from the npm dictionaries the browser meter uses
// (@zxcvbn-ts/language-fr and language-common), so that the server's zxcvbn judges with the same words.
// Run from the project root after `npm ci` in frontend/: node scripts/build_password_dictionaries.mjs
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const base = new URL('../frontend/node_modules/@zxcvbn-ts/', import.meta.url);
const fr = await import(new URL('language-fr/dist/index.mjs', base));
const common = await import(new URL('language-common/dist/index.mjs', base));
const lists = {
  fr_common_words: fr.dictionary['commonWords-fr'],
  fr_wikipedia: fr.dictionary['wikipedia-fr'],
  fr_first_names: fr.dictionary['firstnames-fr'],
  fr_last_names: fr.dictionary['lastnames-fr'],
  common_passwords: common.dictionary['passwords-common'],
};
const target = new URL('../chalicelib/domain/data/password_dictionaries.json.gz', import.meta.url);
writeFileSync(target, gzipSync(JSON.stringify(lists), { level: 9 }));
console.log(Object.entries(lists).map(([k, v]) => `${k}: ${v.length}`).join(', '));
