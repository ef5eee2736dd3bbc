import { BADGE_SOURCES } from '@hilal/contract/admin-api';
import type { IdentitySource } from '@hilal/contract/widget-api';
import { useId } from 'react';

export const BADGE_LABELS = {
  verified: 'Verified',
  'self-reported': 'Self-reported',
  anonymous: 'Anonymous',
} as const satisfies Record<IdentitySource, string>;

const BADGE_ICONS = {
  verified: '✓',
  'self-reported': '✎',
  anonymous: '?',
} as const satisfies Record<IdentitySource, string>;

/**
 * Who the visitor is, as far as the server knows: an icon and a word (never colour alone), with
 * where it came from as the tooltip and the accessible description (`BADGE_SOURCES`).
 */
export function IdentityBadge({ source }: { source: IdentitySource }) {
  const descriptionId = useId();
  return (
    <span
      className={`identity-badge identity-${source}`}
      title={BADGE_SOURCES[source]}
      aria-describedby={descriptionId}
      data-identity={source}
    >
      <span aria-hidden="true" className="identity-icon">
        {BADGE_ICONS[source]}
      </span>
      {BADGE_LABELS[source]}
      <span id={descriptionId} hidden>
        {BADGE_SOURCES[source]}
      </span>
    </span>
  );
}
