import { useEffect, useState } from 'react';

/** "Copy": puts `text` on the clipboard and says so, politely, next to the button. */
export function CopyButton({ text }: { text: string }) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (status !== 'copied') return;
    const timer = setTimeout(() => setStatus('idle'), 4000);
    return () => clearTimeout(timer);
  }, [status]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('copied');
    } catch {
      setStatus('failed');
    }
  }

  return (
    <span className="copy">
      <button type="button" className="secondary" onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" className="muted">
        {status === 'copied'
          ? 'Copied.'
          : status === 'failed'
            ? 'Copy failed: select the text and copy it.'
            : ''}
      </span>
    </span>
  );
}
