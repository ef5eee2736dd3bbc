/**
 * Joins a string built from pieces into one, in place, and returns it. V8 keeps a concatenation
 * as a tree of its pieces (some 32 bytes each) until something needs the characters in a row;
 * turning it into a number is such a need, and the joined form replaces the tree. Worth it only
 * for strings a long-lived object holds: an open stream's header block, its keys and ids.
 */
export function flatString<T extends string>(text: T): T {
  Number(text);
  return text;
}
