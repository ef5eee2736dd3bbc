import { NavLink, Outlet } from 'react-router';
import { ROLE_LABELS } from '../accounts/roles';
import { useCurrentUser, useSignOut } from '../accounts/use-session';

/** The frame around every signed-in screen: the navigation, who is signed in, "Sign out". */
export function AppShell() {
  const { data: user } = useCurrentUser();
  const signOut = useSignOut();

  return (
    <div className="shell">
      <header className="shell-header">
        <p className="brand">Hilal</p>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/inbox">Inbox</NavLink>
            </li>
            {(user?.role === 'owner' || user?.role === 'admin') && (
              <li>
                <NavLink to="/chatbots">Chatbots</NavLink>
              </li>
            )}
            {user?.role === 'owner' && (
              <li>
                <NavLink to="/members">Members</NavLink>
              </li>
            )}
            <li>
              <NavLink to="/password">Change password</NavLink>
            </li>
          </ul>
        </nav>
        {user && (
          <p className="signed-in">
            <span>{user.email}</span> <span className="role">{ROLE_LABELS[user.role]}</span>
          </p>
        )}
        <button
          type="button"
          disabled={signOut.isPending}
          // Once signed out, RequireSignIn sends the browser to "Sign in".
          onClick={() => signOut.mutate()}
        >
          Sign out
        </button>
        {signOut.isError && (
          <p role="alert" className="error">
            {signOut.error.message}
          </p>
        )}
      </header>
      <main className="shell-main">
        <Outlet />
      </main>
    </div>
  );
}
