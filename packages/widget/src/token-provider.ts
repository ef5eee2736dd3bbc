// Calls the host's `userTokenProvider` (docs/contract.md §5). It is the host's code: it may throw, hang, or
// return anything, and none of that may stop the chat.
import type { UserTokenProvider } from './types.js';

/** How long the host's backend gets to hand out a fresh token. */
export const PROVIDER_TIMEOUT_MS = 10_000;

/**
 * A non-empty token string from the provider, or `undefined` (no provider, nothing returned,
 * a throw, a rejection, or no answer within `timeoutMs`).
 *
 * @example await askForToken(async () => fetchTokenFromMyBackend()) // 'eyJ…' or undefined
 */
export async function askForToken(
  provider: UserTokenProvider | undefined,
  timeoutMs = PROVIDER_TIMEOUT_MS,
): Promise<string | undefined> {
  if (!provider) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, undefined);
    });
    const token = await Promise.race([Promise.resolve().then(provider), timeout]);
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
