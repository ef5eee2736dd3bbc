import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useCurrentUser } from './use-session';

/** Renders its children for a signed-in user; sends anybody else to "Sign in" and back after. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const location = useLocation();
  const currentUser = useCurrentUser();
  if (currentUser.isPending) return <p role="status">Loading…</p>;
  if (currentUser.isError)
    return (
      <main className="centered">
        <p role="alert">{currentUser.error.message}</p>
        <button type="button" onClick={() => void currentUser.refetch()}>
          Try again
        </button>
      </main>
    );
  if (currentUser.data === null)
    return <Navigate to="/sign-in" replace state={{ from: location }} />;
  return children;
}
