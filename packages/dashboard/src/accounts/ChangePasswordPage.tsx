import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { changePassword } from './accounts-api';

/** docs/contract.md §7 Accounts: everyone can change their own password. */
export function ChangePasswordPage() {
  const change = useMutation({ mutationFn: changePassword });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    change.mutate(
      {
        currentPassword: String(form.get('currentPassword') ?? ''),
        newPassword: String(form.get('newPassword') ?? ''),
      },
      { onSuccess: () => formElement.reset() },
    );
  }

  return (
    <>
      <title>Change password · Hilal</title>
      <h1>Change password</h1>
      <form className="card stack narrow" onSubmit={submit}>
        <label>
          Current password
          <input name="currentPassword" type="password" autoComplete="current-password" required />
        </label>
        <label>
          New password
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            minLength={8}
            maxLength={1024}
            required
            aria-describedby="new-password-hint"
          />
        </label>
        <p id="new-password-hint" className="muted">
          8 to 1024 characters. Your other signed-in browsers are signed out.
        </p>
        {change.isError && (
          <p role="alert" className="error">
            {change.error.message}
          </p>
        )}
        <p role="status" className="success">
          {change.isSuccess ? 'Your password has been changed.' : ''}
        </p>
        <button type="submit" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </>
  );
}
