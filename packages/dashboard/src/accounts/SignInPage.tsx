import type { FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { isRecord } from '../api/api-client';
import { useCurrentUser, useSignIn } from './use-session';

/** Where RequireSignIn was asked to go, so that signing in lands there. */
function returnPath(state: unknown): string {
  const from = isRecord(state) ? state.from : undefined;
  if (isRecord(from) && typeof from.pathname === 'string' && from.pathname !== '/sign-in')
    return `${from.pathname}${typeof from.search === 'string' ? from.search : ''}`;
  return '/';
}

export function SignInPage() {
  const location = useLocation();
  const currentUser = useCurrentUser();
  const signIn = useSignIn();
  const target = returnPath(location.state);

  // Signed in (now, or before coming here): on to where the visitor was going.
  if (currentUser.data) return <Navigate to={target} replace />;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.mutate({
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
    });
  }

  return (
    <main className="centered">
      <title>Sign in · Hilal</title>
      <form className="card sign-in" onSubmit={submit}>
        <h1>Sign in</h1>
        <p className="muted">Hilal dashboard</p>
        {signIn.isError && (
          <p role="alert" className="error">
            {signIn.error.message}
          </p>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={signIn.isPending}>
          Sign in
        </button>
      </form>
    </main>
  );
}
