import type { BotCounters } from '../bots/bot-counters.js';
import type { Metrics } from './metrics.js';

/**
 * The dashboard's per-bot counters, seen by `/metrics` too: every verification outcome and
 * identity-header mismatch is already counted there (`verify:verified`, `verify:<reason>:<detail>`,
 * `verify:long_lived`, `identity_mismatch`), so the metrics follow without touching the features.
 */
export function observeCounters(counters: BotCounters, metrics: Metrics): BotCounters {
  return {
    add(organizationId, chatbotId, metric) {
      counters.add(organizationId, chatbotId, metric);
      if (metric === 'identity_mismatch') metrics.identityMismatches.inc();
      else if (metric === 'verify:long_lived') metrics.longLivedTokens.inc();
      else if (metric.startsWith('verify:')) {
        // `verify:<reason>:<detail>`: the reason is the closed set of docs/contract.md §4.
        metrics.verifications.inc({ outcome: metric.split(':')[1] ?? 'unknown' });
      }
    },
    flush: () => counters.flush(),
  };
}
