/**
 * Words as a person reads them: NFKC, lower case, apostrophes dropped inside words ("don't" is
 * "dont"), then runs of Unicode letters, marks and digits. Punctuation and emoji separate words.
 *
 * @example
 * splitWords("Hi! What's the café's Wi-Fi?") // ['hi', 'whats', 'the', 'cafés', 'wi', 'fi']
 */
export function splitWords(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((word) => word !== '');
}

// Words too common to tell one knowledge entry from another. Kept small on purpose: a word
// listed here can never match, so it holds only what no help article is about.
const STOP_WORDS = new Set(
  `a about also am an and any are as at be been being but by can cant could did do does doing
  dont for from get got had has have he her here hers him his how i id if ill im in into is it
  its ive just know let lets like may me might must my need no not of on or our ours please
  she should so some than that thats the their them then there these they this those to too
  was we were what whats when where which who whom why will with wont would you your youre
  yours want tell`.split(/\s+/),
);

// Scripts written without spaces between words: indexed as overlapping character pairs, the
// usual way to search Chinese and Japanese text without a dictionary.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/u;
const UNSPACED_OR_NOT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;

/**
 * The search terms of a text: its words without stop words, English plurals and possessives
 * reduced to their stem, Chinese and Japanese runs split into character pairs.
 *
 * @example
 * tokenize('Do you ship boxes to the Policies page?') // ['ship', 'box', 'policy', 'page']
 */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const word of splitWords(text)) {
    for (const part of word.match(UNSPACED_OR_NOT) ?? []) {
      if (UNSPACED.test(part)) terms.push(...characterPairs(part));
      else if (!STOP_WORDS.has(part)) terms.push(stem(part));
    }
  }
  return terms;
}

/** Light English stemming: plurals only, and only on plain a–z words (never on other scripts). */
export function stem(word: string): string {
  if (!/^[a-z]+$/.test(word) || word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`; // policies
  if (/(sses|xes|ches|shes|zzes)$/.test(word)) return word.slice(0, -2); // classes, boxes
  if (/(ss|us|is)$/.test(word)) return word; // address, status, analysis
  if (word.endsWith('s')) return word.slice(0, -1); // cards, fees, days
  return word;
}

function characterPairs(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length === 1) return chars;
  return chars.slice(1).map((char, i) => `${chars[i]}${char}`);
}
