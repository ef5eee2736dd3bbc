/**
 * How long shutdown lets replies under way finish before it ends the live streams that would
 * carry them (README "Operations"): well inside the 10 seconds of docs/contract.md §11.
 */
export const REPLY_GRACE_MS = 5000;

/** Waits for `work`, but no longer than `ms`; never rejects. */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
