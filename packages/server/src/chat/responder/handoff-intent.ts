// What a visitor says when they want a person rather than the bot, described once as data and
// shared by every responder (docs/contract.md §6: handoff to a human). Matched on lower-cased text.
const ASKS_FOR_A_HUMAN: readonly RegExp[] = [
  // A word that can only mean a person on our side.
  /\b(humans?|(live |real |support |customer service )?agents?|representatives?|operators?|teammates?)\b/,
  /\b(real|live|actual) (person|people|human)\b/,
  /\b(a|another) person\b/,
  /\b(support|customer service) (staff|team)\b|\bstaff member\b/,
  // A way of asking to be put through, whoever to.
  /\b(talk|speak|chat|connect|transfer|escalate)( me)?( to| with)? (a |an |the |your |some |someone )?(someone|somebody|person|people|staff|support|team|manager|supervisor|customer (service|support))\b/,
  /\b(contact|reach) (someone|somebody|support|customer (service|support))\b/,
  /\bput me through\b/,
];

/**
 * Whether the visitor is asking for a human.
 *
 * @example
 * wantsHuman('Can I talk to someone, please?') // true
 * wantsHuman('Can I pay in person?') // false
 */
export function wantsHuman(text: string): boolean {
  const normalized = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
  return ASKS_FOR_A_HUMAN.some((pattern) => pattern.test(normalized));
}
