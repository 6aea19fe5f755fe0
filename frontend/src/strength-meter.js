// The « Complexité du mot de passe » meter: a word (aria-live polite) and a DSFR-looking bar.
// The estimator (zxcvbn-ts and its dictionaries) is imported lazily on first use.
import { getLang, t } from './i18n.js';

const GROUPS = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/];

/** The policy the server enforces too: length bounds and 3 of the 4 character groups. */
export function meetsPolicy(password, { min = 12, max = 128 } = {}) {
  const length = [...password].length;
  const groups = GROUPS.filter((re) => re.test(password)).length;
  return length >= min && length <= max && groups >= 3;
}

let loading = null;
const loadEstimator = () => {
  loading ??= import('./strength.js').catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
};

/**
 * @param {object} o
 * @param {HTMLInputElement} o.input        the new password field
 * @param {HTMLElement} o.value             where the word goes (aria-live)
 * @param {HTMLElement} o.bar               element whose data-level drives the bar (CSS)
 * @param {HTMLElement} o.warning           where zxcvbn's warning goes
 * @param {() => string[]} o.userInputs
 * @param {() => {min: number, max: number}} o.policy
 */
export function createStrengthMeter({ input, value, bar, warning, userInputs, policy }) {
  let timer = null;
  let sequence = 0;
  let level = null; // null: empty field

  const show = (next, text = '') => {
    level = next;
    value.textContent = t(`strength.${next ?? 0}`);
    value.dataset.level = String(next ?? 0);
    bar.dataset.level = next === null ? 'none' : String(next);
    warning.textContent = text;
    warning.hidden = !text;
  };

  async function update() {
    const password = input.value;
    const mine = ++sequence;
    if (!password) {
      show(null);
      return;
    }
    const ok = meetsPolicy(password, policy());
    try {
      const { estimate } = await loadEstimator();
      const result = await estimate(password, getLang(), userInputs().filter(Boolean));
      if (mine !== sequence) return;
      show(ok ? result.score : 0, result.warning);
    } catch {
      if (mine !== sequence) return;
      show(ok ? 2 : 0); // estimator unavailable: fall back on the policy alone
    }
  }

  input.addEventListener('focus', () => {
    loadEstimator().catch(() => {});
  });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  show(null);

  return {
    reset() {
      sequence += 1;
      clearTimeout(timer);
      show(null);
    },
    /** Re-render in the current language (and with its dictionaries). */
    refresh() {
      if (input.value) update();
      else show(level);
    },
  };
}
