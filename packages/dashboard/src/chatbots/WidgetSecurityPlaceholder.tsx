import { useCurrentUser } from '../accounts/use-session';

/**
 * Where the "Widget Security" card (docs/contract.md §7) goes, on Basic and on Appearance, for
 * owners and admins. Not built yet: this says so.
 */
export function WidgetSecurityPlaceholder() {
  const { data: user } = useCurrentUser();
  if (user?.role !== 'owner' && user?.role !== 'admin') return null;
  return (
    <section className="card stack placeholder" aria-labelledby="widget-security-heading">
      <h2 id="widget-security-heading">Widget Security</h2>
      <p className="muted">
        Coming soon: the secret that signs your users’ tokens, its rotation, verification statistics
        and “Check a token”. Until then, use the command line (<code>npx hilal bot secret</code>) or
        the HTTP API.
      </p>
    </section>
  );
}
