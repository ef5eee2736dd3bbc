/** The server's problems with one field, under it; `id` is what the field's aria-describedby names. */
export function FieldError({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages || messages.length === 0) return null;
  return (
    <ul id={id} className="field-error">
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

/** aria-describedby for a field: its hint and, when it has problems, their list. */
export function describedBy(hint: string | undefined, errorId: string, messages?: string[]) {
  const ids = [hint, messages && messages.length > 0 ? errorId : undefined].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}
