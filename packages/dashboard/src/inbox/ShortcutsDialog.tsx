import { useEffect, useRef } from 'react';

export const SHORTCUTS = [
  ['j', 'Next conversation'],
  ['k', 'Previous conversation'],
  ['r', 'Reply'],
  ['e', 'Close the conversation'],
  ['?', 'These shortcuts'],
] as const;

/** The inbox's keyboard shortcuts, in a modal (native <dialog>: Escape closes it). */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby="shortcuts-heading"
      className="dialog"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
      <dl className="shortcuts">
        {SHORTCUTS.map(([key, action]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{action}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">Not while typing in a field.</p>
      <div className="actions">
        {/* biome-ignore lint/a11y/noAutofocus: a dialog focuses its one button */}
        <button type="button" autoFocus onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
