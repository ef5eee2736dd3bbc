import type { SecretStatus } from '@hilal/contract/admin-api';
import { useState } from 'react';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { CopyButton } from '../app/CopyButton';
import { formatTime } from './format-time';
import { useRegenerateSecret, useSecretAction } from './widget-security-api';

const STATE_LABELS: Readonly<Record<SecretStatus['state'], string>> = {
  own: 'Own secret',
  environment: 'Environment fallback',
  not_configured: 'Not configured',
};

/** Which secret is in force, and Regenerate, Save, Cancel, Clear (docs/contract.md §3). */
export function SecretControls({ botId, status }: { botId: string; status: SecretStatus }) {
  const regenerate = useRegenerateSecret(botId);
  const action = useSecretAction(botId);
  const [confirming, setConfirming] = useState<'save' | 'clear' | null>(null);
  // The full secret lives only here, until Save, Cancel or a reload: the server never sends it again.
  const [shown, setShown] = useState<string | null>(null);
  const error = regenerate.error ?? action.error;

  function run(name: 'save' | 'cancel' | 'clear') {
    setConfirming(null);
    action.mutate(name, { onSuccess: () => setShown(null) });
  }

  return (
    <div className="stack">
      <dl className="ids">
        <dt>Secret</dt>
        <dd>
          {STATE_LABELS[status.state]}
          {status.preview ? <code className="secret-preview"> {status.preview}</code> : null}
        </dd>
        <dt>Last rotated</dt>
        <dd>
          {status.rotatedAt === null
            ? 'Never'
            : `${formatTime(status.rotatedAt)} by ${status.rotatedBy ?? 'unknown'}`}
        </dd>
      </dl>

      {shown !== null ? (
        <div className="notice stack">
          <label>
            New secret
            <input className="mono" readOnly value={shown} />
          </label>
          <p className="warning">
            Copy it now: it will not be shown again. Deploy it to your backend, check a token signed
            with it below, then Save.
          </p>
          <CopyButton text={shown} />
        </div>
      ) : null}

      {status.pending ? (
        <p>
          A new secret <code>{status.pendingPreview}</code> is pending: tokens signed with it verify
          already. Save puts it in force; unsaved, it is dropped at{' '}
          {status.pendingExpiresAt === null ? '' : formatTime(status.pendingExpiresAt)}.
        </p>
      ) : null}

      <div className="actions">
        <button
          type="button"
          disabled={regenerate.isPending}
          onClick={() => regenerate.mutate(undefined, { onSuccess: (g) => setShown(g.secret) })}
        >
          Regenerate
        </button>
        {status.pending ? (
          <>
            <button type="button" onClick={() => setConfirming('save')}>
              Save
            </button>
            <button type="button" className="secondary" onClick={() => run('cancel')}>
              Cancel
            </button>
          </>
        ) : null}
        {status.state === 'own' ? (
          <button type="button" className="danger" onClick={() => setConfirming('clear')}>
            Clear
          </button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="error">
          {error.message}
        </p>
      ) : null}

      {confirming === 'save' ? (
        <ConfirmDialog
          title="Save the new secret?"
          confirmLabel="Save"
          onConfirm={() => run('save')}
          onCancel={() => setConfirming(null)}
        >
          <p>Tokens signed with the current secret stop working at once.</p>
        </ConfirmDialog>
      ) : null}
      {confirming === 'clear' ? (
        <ConfirmDialog
          title="Clear the secret?"
          confirmLabel="Clear"
          onConfirm={() => run('clear')}
          onCancel={() => setConfirming(null)}
        >
          <p>
            Tokens signed with this chatbot’s own secret stop working at once; the environment
            fallback applies, if the server has one.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
