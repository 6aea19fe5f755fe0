// Password strength estimation with zxcvbn-ts. This module is only ever loaded with a
// dynamic import(), so esbuild puts it and the dictionaries in lazily loaded chunks:
// common + French dictionaries here, the English one in its own chunk, loaded only when
// the interface is in English.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as fr from '@zxcvbn-ts/language-fr';

const estimators = new Map();

async function estimator(lang) {
  if (!estimators.has(lang)) {
    estimators.set(
      lang,
      (async () => {
        let dictionary = { ...common.dictionary, ...fr.dictionary };
        let translations = fr.translations;
        if (lang === 'en') {
          const en = await import('@zxcvbn-ts/language-en');
          dictionary = { ...dictionary, ...en.dictionary };
          translations = en.translations;
        }
        return new ZxcvbnFactory({
          dictionary,
          graphs: common.adjacencyGraphs,
          translations,
          useLevenshteinDistance: true,
        });
      })(),
    );
  }
  return estimators.get(lang);
}

/**
 * @param {string} password
 * @param {'fr'|'en'} lang
 * @param {string[]} userInputs words the password should not be built from (names, e-mails)
 * @returns {Promise<{score: 0|1|2|3|4, warning: string}>}
 */
export async function estimate(password, lang, userInputs = []) {
  const zxcvbn = await estimator(lang);
  const result = await zxcvbn.checkAsync(password, userInputs);
  return { score: result.score, warning: result.feedback.warning || '' };
}
