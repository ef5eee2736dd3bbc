import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useBots, useCreateBot } from './chatbots-api';

/** docs/contract.md §7 Chatbots: the organization's chatbots and "New chatbot". */
export function ChatbotsPage() {
  const bots = useBots();
  const createBot = useCreateBot();
  const navigate = useNavigate();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '');
    createBot.mutate(name, { onSuccess: (bot) => navigate(`/chatbots/${bot.id}`) });
  }

  return (
    <>
      <title>Chatbots · Hilal</title>
      <h1>Chatbots</h1>
      <section className="card stack" aria-label="Chatbot list">
        {bots.isPending && <p role="status">Loading chatbots…</p>}
        {bots.isError && (
          <p role="alert" className="error">
            {bots.error.message}
          </p>
        )}
        {bots.data?.length === 0 && <p className="muted">No chatbots yet.</p>}
        {bots.data && bots.data.length > 0 && (
          <ul className="bot-list">
            {bots.data.map((bot) => (
              <li key={bot.id}>
                <Link to={`/chatbots/${bot.id}`}>{bot.name}</Link>{' '}
                <code className="muted">{bot.id}</code>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card stack" aria-labelledby="new-bot-heading">
        <h2 id="new-bot-heading">New chatbot</h2>
        <form className="row-form" onSubmit={submit}>
          <label>
            Name
            <input name="name" required maxLength={100} autoComplete="off" />
          </label>
          <button type="submit" disabled={createBot.isPending}>
            New chatbot
          </button>
        </form>
        {createBot.isError && (
          <p role="alert" className="error">
            {createBot.error.message}
          </p>
        )}
      </section>
    </>
  );
}
