import { useId } from 'react';
import { useCurrentUser } from '../accounts/use-session';
import { CheckTokenForm } from './CheckTokenForm';
import { SecretControls } from './SecretControls';
import { AuditLog, RecentFailures, SecurityStats } from './SecurityStats';
import { useWidgetSecurity } from './widget-security-api';

/**
 * The "Widget Security" card (docs/contract.md §7), on Basic and on Appearance: the secret and its
 * rotation, verification outcomes, recent failures, "Check a token" and the audit log. Owners and
 * admins only; agents see nothing of it.
 */
export function WidgetSecurityCard({ botId }: { botId: string }) {
  const { data: user } = useCurrentUser();
  const allowed = user?.role === 'owner' || user?.role === 'admin';
  return allowed ? <CardBody botId={botId} /> : null;
}

function CardBody({ botId }: { botId: string }) {
  const security = useWidgetSecurity(botId);
  const id = useId();
  const heading = (name: string) => `${id}-${name}`;
  return (
    <section className="card stack widget-security" aria-labelledby={heading('card')}>
      <h2 id={heading('card')}>Widget Security</h2>
      {security.isPending ? <p className="muted">Loading…</p> : null}
      {security.error ? (
        <p role="alert" className="error">
          {security.error.message}
        </p>
      ) : null}
      {security.data ? (
        <>
          <SecretControls botId={botId} status={security.data.status} />
          <h3>Verifications</h3>
          <SecurityStats security={security.data} />
          <h3>Recent failures</h3>
          <RecentFailures failures={security.data.recentFailures} />
          <CheckTokenForm botId={botId} />
          <h3>Audit log</h3>
          <AuditLog audit={security.data.audit} />
        </>
      ) : null}
    </section>
  );
}
