import { signSigningInput } from '../../src/identity/sign-hs256.js';

export { signHs256 } from '../../src/identity/sign-hs256.js';

export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** Signs raw header and payload text (already JSON or deliberately not), so tests can build every malformed variant. */
export function signRaw(secret: string, headerText: string, payloadText: string): string {
  const signingInput = `${b64url(headerText)}.${b64url(payloadText)}`;
  return `${signingInput}.${signSigningInput(secret, signingInput)}`;
}
