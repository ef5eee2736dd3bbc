import { Navigate, Route, Routes } from 'react-router';
import { RequireSignIn } from '../accounts/RequireSignIn';
import { SignInPage } from '../accounts/SignInPage';
import { AppShell } from './AppShell';
import { NotBuiltYet } from './NotBuiltYet';
import { NotFoundPage } from './NotFoundPage';

/** Every screen, under the base path /app (the server answers index.html for all of them). */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="sign-in" element={<SignInPage />} />
      <Route
        element={
          <RequireSignIn>
            <AppShell />
          </RequireSignIn>
        }
      >
        <Route index element={<Navigate to="inbox" replace />} />
        <Route path="inbox" element={<NotBuiltYet title="Inbox" />} />
        <Route path="chatbots" element={<NotBuiltYet title="Chatbots" />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
