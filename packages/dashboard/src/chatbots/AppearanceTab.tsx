import type { ChatbotDetail } from '@hilal/contract/admin-api';
import { type FormEvent, useId, useState } from 'react';
import { WidgetSecurityCard } from '../security/WidgetSecurityCard';
import { SaveResult } from './BasicTab';
import { useUpdateBot } from './chatbots-api';
import { describedBy, FieldError } from './FieldError';
import { fieldMessages, LIMITS } from './field-errors';
import { type DraftAppearance, WidgetPreview } from './WidgetPreview';

const POSITIONS = [
  { value: 'right', label: 'Right' },
  { value: 'left', label: 'Left' },
] as const;

/** "Appearance": colour, title, position, and the real widget showing them as they are edited. */
export function AppearanceTab({ bot }: { bot: ChatbotDetail }) {
  const update = useUpdateBot(bot.id);
  const errors = fieldMessages(update.error);
  const id = useId();
  // What the fields hold now, for the swatch next to the colour and for the preview.
  const [colour, setColour] = useState(bot.settings.color);
  const [title, setTitle] = useState(bot.settings.title);
  const [position, setPosition] = useState(bot.settings.position);
  const validColour = /^#[0-9a-f]{6}$/i.test(colour);
  const draft: DraftAppearance = {
    color: validColour ? colour.toLowerCase() : bot.settings.color,
    title: title.trim() || bot.settings.title,
    position,
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    update.mutate({
      color: String(form.get('color') ?? '').trim(),
      title: String(form.get('title') ?? ''),
      position: form.get('position') === 'left' ? 'left' : 'right',
    });
  }

  return (
    <>
      <div className="appearance">
        <form
          className="card stack"
          aria-labelledby={`${id}-heading`}
          onSubmit={submit}
          key={bot.id}
          noValidate
        >
          <h2 id={`${id}-heading`}>Appearance</h2>
          <label>
            Colour
            <span className="colour-field">
              <span
                className="swatch"
                aria-hidden="true"
                style={{ background: validColour ? colour : 'transparent' }}
              />
              <input
                name="color"
                defaultValue={bot.settings.color}
                spellCheck={false}
                className="mono"
                onChange={(event) => setColour(event.currentTarget.value.trim())}
                aria-invalid={errors.color ? true : undefined}
                aria-describedby={describedBy(
                  `${id}-color-hint`,
                  `${id}-color-error`,
                  errors.color,
                )}
              />
            </span>
          </label>
          <p id={`${id}-color-hint`} className="hint">
            # and six hexadecimal digits, like <code>#0f766e</code>.
          </p>
          <FieldError id={`${id}-color-error`} messages={errors.color} />

          <label>
            Title
            <input
              name="title"
              defaultValue={bot.settings.title}
              maxLength={LIMITS.title}
              onChange={(event) => setTitle(event.currentTarget.value)}
              aria-invalid={errors.title ? true : undefined}
              aria-describedby={describedBy(`${id}-title-hint`, `${id}-title-error`, errors.title)}
            />
          </label>
          <p id={`${id}-title-hint`} className="hint">
            At the top of the chat window.
          </p>
          <FieldError id={`${id}-title-error`} messages={errors.title} />

          <fieldset>
            <legend>Position</legend>
            {POSITIONS.map((option) => (
              <div key={option.value} className="radio">
                <input
                  type="radio"
                  name="position"
                  id={`${id}-position-${option.value}`}
                  value={option.value}
                  defaultChecked={bot.settings.position === option.value}
                  onChange={() => setPosition(option.value)}
                />
                <label htmlFor={`${id}-position-${option.value}`}>{option.label}</label>
              </div>
            ))}
          </fieldset>
          <FieldError id={`${id}-position-error`} messages={errors.position} />

          <SaveResult
            error={update.error}
            hasFieldErrors={Object.keys(errors).length > 0}
            saved={update.isSuccess}
          />
          <div className="actions">
            <button type="submit" disabled={update.isPending}>
              Save
            </button>
          </div>
        </form>
        <WidgetPreview bot={bot} draft={draft} />
      </div>
      <WidgetSecurityCard botId={bot.id} />
    </>
  );
}
