import type { ChatbotDetail, IdentityMode } from '@hilal/contract/admin-api';
import { type FormEvent, useId } from 'react';
import { WidgetSecurityCard } from '../security/WidgetSecurityCard';
import { useUpdateBot } from './chatbots-api';
import { describedBy, FieldError } from './FieldError';
import { fieldMessages, LIMITS } from './field-errors';
import { KnowledgeSection } from './KnowledgeSection';

const MODES: readonly { value: IdentityMode; label: string; hint: string }[] = [
  {
    value: 'optional',
    label: 'Optional',
    hint: 'Everyone can chat; a user whose token verifies is shown as verified.',
  },
  {
    value: 'required',
    label: 'Required',
    hint: 'Only users with a verified token can chat; anyone else is asked to sign in.',
  },
];

/** "Basic": name, welcome message, allowed origins, identity mode; then the knowledge entries. */
export function BasicTab({ bot }: { bot: ChatbotDetail }) {
  const update = useUpdateBot(bot.id);
  const errors = fieldMessages(update.error);
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const mode = String(form.get('identityMode') ?? bot.settings.identityMode);
    update.mutate({
      name: String(form.get('name') ?? ''),
      welcome: String(form.get('welcome') ?? ''),
      allowedOrigins: String(form.get('allowedOrigins') ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== ''),
      identityMode: mode as IdentityMode,
    });
  }

  const hasFieldErrors = Object.keys(errors).length > 0;
  return (
    <>
      <form
        className="card stack"
        aria-labelledby={`${id}-heading`}
        onSubmit={submit}
        // Fresh fields when another chatbot is shown.
        key={bot.id}
        noValidate
      >
        <h2 id={`${id}-heading`}>Settings</h2>
        <label>
          Name
          <input
            name="name"
            defaultValue={bot.name}
            maxLength={LIMITS.name}
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={describedBy(undefined, `${id}-name-error`, errors.name)}
          />
        </label>
        <FieldError id={`${id}-name-error`} messages={errors.name} />

        <label>
          Welcome message
          <textarea
            name="welcome"
            rows={3}
            defaultValue={bot.settings.welcome}
            maxLength={LIMITS.welcome}
            aria-invalid={errors.welcome ? true : undefined}
            aria-describedby={describedBy(
              `${id}-welcome-hint`,
              `${id}-welcome-error`,
              errors.welcome,
            )}
          />
        </label>
        <p id={`${id}-welcome-hint`} className="hint">
          <code>{'{name}'}</code> is replaced by the user’s <strong>verified</strong> name only
          (from a signed token); anyone else sees the message without it.
        </p>
        <FieldError id={`${id}-welcome-error`} messages={errors.welcome} />

        <label>
          Allowed origins
          <textarea
            name="allowedOrigins"
            rows={4}
            defaultValue={bot.settings.allowedOrigins.join('\n')}
            spellCheck={false}
            className="mono"
            aria-invalid={errors.allowedOrigins ? true : undefined}
            aria-describedby={describedBy(
              `${id}-origins-hint`,
              `${id}-origins-error`,
              errors.allowedOrigins,
            )}
          />
        </label>
        <p id={`${id}-origins-hint`} className="hint">
          One per line, like <code>https://www.example.com</code>; at most {LIMITS.allowedOrigins}.
          Empty: any site may embed this chatbot.
        </p>
        <FieldError id={`${id}-origins-error`} messages={errors.allowedOrigins} />

        <fieldset
          aria-invalid={errors.identityMode ? true : undefined}
          aria-describedby={describedBy(undefined, `${id}-mode-error`, errors.identityMode)}
        >
          <legend>Identity mode</legend>
          {MODES.map((mode) => (
            <div key={mode.value} className="radio">
              <input
                type="radio"
                name="identityMode"
                id={`${id}-mode-${mode.value}`}
                value={mode.value}
                defaultChecked={bot.settings.identityMode === mode.value}
                aria-describedby={`${id}-mode-${mode.value}-hint`}
              />
              <label htmlFor={`${id}-mode-${mode.value}`}>{mode.label}</label>
              <p id={`${id}-mode-${mode.value}-hint`} className="hint">
                {mode.hint}
              </p>
            </div>
          ))}
        </fieldset>
        <FieldError id={`${id}-mode-error`} messages={errors.identityMode} />

        <SaveResult error={update.error} hasFieldErrors={hasFieldErrors} saved={update.isSuccess} />
        <div className="actions">
          <button type="submit" disabled={update.isPending}>
            Save
          </button>
        </div>
      </form>
      <KnowledgeSection botId={bot.id} />
      <WidgetSecurityCard botId={bot.id} />
    </>
  );
}

/** After "Save": "Saved.", or what went wrong (the fields' own problems are next to them). */
export function SaveResult({
  error,
  hasFieldErrors,
  saved,
}: {
  error: Error | null;
  hasFieldErrors: boolean;
  saved: boolean;
}) {
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {hasFieldErrors ? 'Not saved: see the problems under the fields.' : error.message}
        </p>
      )}
      <p role="status" className="success">
        {saved ? 'Saved.' : ''}
      </p>
    </>
  );
}
