import type { TokenCheck } from '@hilal/contract/admin-api';
import { type FormEvent, useId } from 'react';
import { useCheckToken } from './widget-security-api';

function Verdict({
  label,
  verdict,
}: {
  label: string;
  verdict: Omit<TokenCheck, 'header' | 'claims' | 'times'>;
}) {
  return (
    <div className="stack">
      <p>
        <strong>{label}: </strong>
        {verdict.verified ? 'Verifies' : 'Fails'}
      </p>
      {verdict.verified ? null : (
        <dl className="ids">
          <dt>Reason</dt>
          <dd className="mono">{verdict.reason}</dd>
          <dt>Detail</dt>
          <dd className="mono">{verdict.detail}</dd>
          <dt>Fix</dt>
          <dd>{verdict.fix}</dd>
        </dl>
      )}
    </div>
  );
}

/** "Check a token" (docs/contract.md §7): the token is sent once, never kept or logged. */
export function CheckTokenForm({ botId }: { botId: string }) {
  const check = useCheckToken(botId);
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const token = String(new FormData(event.currentTarget).get('token') ?? '').trim();
    if (token !== '') check.mutate(token);
  }

  const result = check.data;
  return (
    <section className="stack" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Check a token</h3>
      <form className="stack" onSubmit={submit}>
        <label>
          Token
          <textarea name="token" className="mono" rows={3} spellCheck={false} autoComplete="off" />
        </label>
        <div className="actions">
          <button type="submit" disabled={check.isPending}>
            Check
          </button>
        </div>
      </form>
      {check.error ? (
        <p role="alert" className="error">
          {check.error.message}
        </p>
      ) : null}
      {result ? (
        <output className="stack check-result" aria-labelledby={`${id}-result`}>
          <h4 id={`${id}-result`}>Result</h4>
          <Verdict label="Now" verdict={result} />
          {result.afterSave ? <Verdict label="After Save" verdict={result.afterSave} /> : null}
          <h4>Header</h4>
          <pre>{result.header ? JSON.stringify(result.header, null, 2) : 'Does not decode.'}</pre>
          <h4>Claims</h4>
          <pre>{result.claims ? JSON.stringify(result.claims, null, 2) : 'Do not decode.'}</pre>
          {Object.keys(result.times).length > 0 ? (
            <dl className="ids">
              {(['iat', 'nbf', 'exp'] as const).map((name) =>
                result.times[name] ? (
                  <div key={name}>
                    <dt className="mono">{name}</dt>
                    <dd>
                      {new Date(result.times[name]).toLocaleString()} ({result.times[name]})
                    </dd>
                  </div>
                ) : null,
              )}
            </dl>
          ) : null}
        </output>
      ) : null}
    </section>
  );
}
