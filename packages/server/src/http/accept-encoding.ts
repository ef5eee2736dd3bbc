/** The encodings a static file may be stored in, in the order preferred on a tie. */
export const ENCODINGS = ['br', 'gzip', 'identity'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/**
 * The encoding to send, of those `available`, for an `Accept-Encoding` header (RFC 9110 §12.5.3):
 * the highest q-value wins, br before gzip before identity on a tie; a coding the header does not
 * name takes the q of `*`, or else 0, except identity, which is acceptable unless refused (below).
 * When the header refuses everything on offer, identity anyway: a 406 for a script helps no one.
 *
 * @example chooseEncoding('gzip;q=1, br;q=0.5', ['br', 'gzip', 'identity']) // 'gzip'
 */
export function chooseEncoding(
  header: string | undefined,
  available: readonly Encoding[],
): Encoding {
  if (header === undefined) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    const coding = name.trim().toLowerCase();
    if (coding === '') continue;
    let weight = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim().toLowerCase() === 'q') weight = qValue(value);
    }
    // A coding named twice keeps its best weight; x-gzip is gzip (RFC 9110 §8.4.1.3).
    const key = coding === 'x-gzip' ? 'gzip' : coding;
    q.set(key, Math.max(q.get(key) ?? 0, weight));
  }
  const star = q.get('*');
  // Unnamed identity weighs as the least wanted coding named, as in `negotiator`: a header that
  // asks for compression at any weight gets it.
  const identity = q.size === 0 ? 1 : Math.min(...q.values());
  let best: Encoding = 'identity';
  let bestQ = 0;
  for (const encoding of ENCODINGS) {
    if (!available.includes(encoding)) continue;
    const weight = q.get(encoding) ?? star ?? (encoding === 'identity' ? identity : 0);
    if (weight > bestQ) {
      best = encoding;
      bestQ = weight;
    }
  }
  return best;
}

/** RFC 9110 §12.4.2: 0 to 1 with up to three decimals; anything else counts as 0. */
function qValue(text: string | undefined): number {
  const value = text?.trim() ?? '';
  return /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value) ? Number(value) : 0;
}
