import type { WidgetSecurity } from '@hilal/contract/admin-api';
import { formatTime } from './format-time';

/** Outcomes by reason as bars, with the numbers as text (the bars only repeat them). */
function OutcomeBars({ title, counts }: { title: string; counts: Record<string, number> }) {
  const rows = Object.entries(counts).sort(([, a], [, b]) => b - a);
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return (
    <figure className="outcomes">
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? (
        <p className="muted">No verifications.</p>
      ) : (
        <ul className="outcome-list">
          {rows.map(([reason, n]) => (
            <li key={reason}>
              <span className="mono">{reason}</span>
              <span
                className={reason === 'verified' ? 'bar ok' : 'bar'}
                style={{ width: `${(n / max) * 100}%` }}
                aria-hidden="true"
              />
              <span>{n}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/** The card's numbers: outcomes, long-lived tokens, header mismatches, verified share. */
export function SecurityStats({ security }: { security: WidgetSecurity }) {
  const { outcomes, longLived, headerMismatches, verifiedShare, lastVerifiedAt } = security;
  return (
    <div className="stack">
      <div className="outcome-charts">
        <OutcomeBars title="Verifications, last 24 hours" counts={outcomes.last24h} />
        <OutcomeBars title="Verifications, last 7 days" counts={outcomes.last7d} />
      </div>
      <table>
        <thead>
          <tr>
            <th scope="col">Signal</th>
            <th scope="col">Last 24 hours</th>
            <th scope="col">Last 7 days</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Long-lived tokens</th>
            <td>{longLived.last24h}</td>
            <td>{longLived.last7d}</td>
          </tr>
          <tr>
            <th scope="row">Identity-header mismatches</th>
            <td>{headerMismatches.last24h}</td>
            <td>{headerMismatches.last7d}</td>
          </tr>
        </tbody>
      </table>
      <dl className="ids">
        <dt>Verified conversations, last 7 days</dt>
        <dd>
          {verifiedShare.last7d === null
            ? 'No conversations'
            : `${Math.round(verifiedShare.last7d * 100)}%`}
        </dd>
        <dt>Last verified token seen</dt>
        <dd>
          {lastVerifiedAt === null ? 'Never' : `In the hour from ${formatTime(lastVerifiedAt)}`}
        </dd>
      </dl>
    </div>
  );
}

/** "Recent failures": time, reason, detail, page origin; never a token. */
export function RecentFailures({ failures }: { failures: WidgetSecurity['recentFailures'] }) {
  if (failures.length === 0) return <p className="muted">No failures.</p>;
  return (
    <table>
      <caption className="sr-only">Recent failures</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Reason</th>
          <th scope="col">Detail</th>
          <th scope="col">Origin</th>
        </tr>
      </thead>
      <tbody>
        {failures.map((failure, index) => (
          // Rows have no id of their own; the list is replaced whole on each read.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <tr key={index}>
            <td>{formatTime(failure.at)}</td>
            <td className="mono">{failure.reason}</td>
            <td className="mono">{failure.detail}</td>
            <td>{failure.origin ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const ACTION_LABELS = {
  regenerate: 'Regenerated',
  save: 'Saved',
  cancel: 'Cancelled',
  clear: 'Cleared',
} as const;

/** The audit log of secret changes, newest first. */
export function AuditLog({ audit }: { audit: WidgetSecurity['audit'] }) {
  if (audit.length === 0) return <p className="muted">No changes yet.</p>;
  return (
    <table>
      <caption className="sr-only">Audit log</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Change</th>
          <th scope="col">By</th>
        </tr>
      </thead>
      <tbody>
        {audit.map((entry, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; the list is replaced whole
          <tr key={index}>
            <td>{formatTime(entry.at)}</td>
            <td>{ACTION_LABELS[entry.action]}</td>
            <td>{entry.actor}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
