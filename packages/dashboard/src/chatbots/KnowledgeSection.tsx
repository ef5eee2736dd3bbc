import type { KnowledgeEntry } from '@hilal/contract/admin-api';
import { type FormEvent, useId, useState } from 'react';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { useAddEntry, useDeleteEntry, useKnowledge, useUpdateEntry } from './chatbots-api';
import { describedBy, FieldError } from './FieldError';
import { fieldMessages, KNOWLEDGE_LIMITS, LIMITS } from './field-errors';

/** docs/contract.md §6, §7: the entries the built-in responder answers from; add, edit, delete. */
export function KnowledgeSection({ botId }: { botId: string }) {
  const entries = useKnowledge(botId);
  const deleteEntry = useDeleteEntry(botId);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<KnowledgeEntry | null>(null);

  return (
    <section className="card stack" aria-labelledby="knowledge-heading">
      <h2 id="knowledge-heading">Knowledge</h2>
      <p className="muted">
        The chatbot answers from these entries: a title (what people ask about) and the answer.
      </p>
      {entries.isPending && <p role="status">Loading entries…</p>}
      {entries.isError && (
        <p role="alert" className="error">
          {entries.error.message}
        </p>
      )}
      {deleteEntry.isError && (
        <p role="alert" className="error">
          {deleteEntry.error.message}
        </p>
      )}
      {entries.data?.length === 0 && <p>No entries yet.</p>}
      {entries.data && entries.data.length > 0 && (
        <ul className="entries">
          {entries.data.map((entry) =>
            editing === entry.id ? (
              <li key={entry.id}>
                <EntryForm botId={botId} entry={entry} onDone={() => setEditing(null)} />
              </li>
            ) : (
              <li key={entry.id} className="entry">
                <h3>{entry.title}</h3>
                <p className="entry-body">{entry.body}</p>
                <div className="actions">
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Edit ${entry.title}`}
                    onClick={() => setEditing(entry.id)}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Delete ${entry.title}`}
                    onClick={() => setDeleting(entry)}
                  >
                    Delete
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      <EntryForm botId={botId} />
      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.title}”?`}
          confirmLabel="Delete"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            deleteEntry.mutate(deleting.id);
            setDeleting(null);
          }}
        >
          <p>The chatbot stops answering from it at once.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Adds an entry, or edits `entry` ("Save entry", "Cancel"). */
function EntryForm({
  botId,
  entry,
  onDone,
}: {
  botId: string;
  entry?: KnowledgeEntry;
  onDone?: () => void;
}) {
  const add = useAddEntry(botId);
  const update = useUpdateEntry(botId);
  const mutation = entry ? update : add;
  const errors = fieldMessages(mutation.error, KNOWLEDGE_LIMITS);
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const body = { title: String(form.get('title') ?? ''), body: String(form.get('body') ?? '') };
    if (entry) update.mutate({ id: entry.id, ...body }, { onSuccess: () => onDone?.() });
    else add.mutate(body, { onSuccess: () => formElement.reset() });
  }

  const label = entry ? `Edit ${entry.title}` : 'Add an entry';
  return (
    <form className="stack entry-form" aria-label={label} onSubmit={submit} noValidate>
      {!entry && <h3>Add an entry</h3>}
      <label>
        Entry title
        <input
          name="title"
          defaultValue={entry?.title}
          maxLength={LIMITS.knowledgeTitle}
          aria-invalid={errors.title ? true : undefined}
          aria-describedby={describedBy(undefined, `${id}-title-error`, errors.title)}
        />
      </label>
      <FieldError id={`${id}-title-error`} messages={errors.title} />
      <label>
        Entry text
        <textarea
          name="body"
          rows={4}
          defaultValue={entry?.body}
          maxLength={LIMITS.knowledgeBody}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={describedBy(undefined, `${id}-body-error`, errors.body)}
        />
      </label>
      <FieldError id={`${id}-body-error`} messages={errors.body} />
      {mutation.isError && Object.keys(errors).length === 0 && (
        <p role="alert" className="error">
          {mutation.error.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={mutation.isPending}>
          {entry ? 'Save entry' : 'Add entry'}
        </button>
        {entry && (
          <button type="button" className="secondary" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
