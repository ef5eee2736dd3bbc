import type { ChatbotDetail } from '@hilal/contract/admin-api';
import {
  type InstallTarget,
  initSnippet,
  scriptTagSnippet,
  signingExamples,
} from '@hilal/contract/install-snippets';
import { type ReactNode, useId } from 'react';
import { useCurrentUser } from '../accounts/use-session';
import { CopyButton } from '../app/CopyButton';

/**
 * "Install": the script tag and the `init` call with this chatbot's ids, and backend code that
 * signs a user token in five languages. The texts come from `@hilal/contract/install-snippets`,
 * which the server's tests run.
 */
export function InstallTab({ bot }: { bot: ChatbotDetail }) {
  const { data: user } = useCurrentUser();
  if (!user) return null;
  const target: InstallTarget = {
    serverUrl: window.location.origin,
    organizationId: user.organizationId,
    botId: bot.id,
  };
  return (
    <>
      <section className="card stack" aria-labelledby="install-ids-heading">
        <h2 id="install-ids-heading">This chatbot’s ids</h2>
        <dl className="ids">
          <dt>Organization id</dt>
          <dd>
            <code>{target.organizationId}</code>
          </dd>
          <dt>Chatbot id</dt>
          <dd>
            <code>{target.botId}</code>
          </dd>
        </dl>
      </section>
      <section className="card stack" aria-labelledby="install-embed-heading">
        <h2 id="install-embed-heading">Add the widget to your site</h2>
        <Snippet title="Script tag" code={scriptTagSnippet(target)}>
          Before <code>&lt;/body&gt;</code>, on every page that shows the chat. Visitors chat
          anonymously.
        </Snippet>
        <Snippet title="With signed-in users: init" code={initSnippet(target)}>
          Instead of the tag above, when your site has signed-in users: the widget asks your
          endpoint (<code>/hilal-token</code> here) for a token signed by your backend, below.
        </Snippet>
      </section>
      <section className="card stack" aria-labelledby="install-sign-heading">
        <h2 id="install-sign-heading">Sign a token on your server</h2>
        <p>
          Sign with this chatbot’s widget secret (HS256), kept on your server in{' '}
          <code>HILAL_WIDGET_SECRET</code>, never in the page. <code>sub</code> is your user’s
          stable id; tokens live ten minutes.
        </p>
        {signingExamples().map((example) => (
          <Snippet key={example.language} title={example.label} code={example.code}>
            With <a href={example.libraryUrl}>{example.library}</a>.
          </Snippet>
        ))}
      </section>
    </>
  );
}

/** A titled, copyable block of code: a region named by its title, with "Copy". */
function Snippet({ title, code, children }: { title: string; code: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="snippet stack" aria-labelledby={id}>
      <div className="snippet-head">
        <h3 id={id}>{title}</h3>
        <CopyButton text={code} />
      </div>
      <p className="hint">{children}</p>
      <pre>
        <code>{code}</code>
      </pre>
    </section>
  );
}
