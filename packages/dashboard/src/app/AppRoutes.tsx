import { lazy, type ReactNode, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { RequireSignIn } from '../accounts/RequireSignIn';
import { SignInPage } from '../accounts/SignInPage';
import { AppShell } from './AppShell';
import { NotFoundPage } from './NotFoundPage';

// Every screen behind sign-in loads when first visited, so the first load stays small
// (README "Dashboard": the build checks the budget).
const MembersPage = lazy(() =>
  import('../members/MembersPage').then((module) => ({ default: module.MembersPage })),
);
const ChangePasswordPage = lazy(() =>
  import('../accounts/ChangePasswordPage').then((module) => ({
    default: module.ChangePasswordPage,
  })),
);
const ChatbotsPage = lazy(() =>
  import('../chatbots/ChatbotsPage').then((module) => ({ default: module.ChatbotsPage })),
);
const InboxPage = lazy(() =>
  import('../inbox/InboxPage').then((module) => ({ default: module.InboxPage })),
);
const ChatbotPage = lazy(() =>
  import('../chatbots/ChatbotPage').then((module) => ({ default: module.ChatbotPage })),
);

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
        <Route path="inbox" element={<Lazy screen={<InboxPage />} />} />
        <Route path="chatbots" element={<Lazy screen={<ChatbotsPage />} />} />
        <Route path="chatbots/:botId" element={<Lazy screen={<ChatbotPage />} />} />
        <Route path="members" element={<Lazy screen={<MembersPage />} />} />
        <Route path="password" element={<Lazy screen={<ChangePasswordPage />} />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

function Lazy({ screen }: { screen: ReactNode }) {
  return <Suspense fallback={<p role="status">Loading…</p>}>{screen}</Suspense>;
}
