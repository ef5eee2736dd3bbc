import { type KeyboardEvent, useRef } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { AppearanceTab } from './AppearanceTab';
import { BasicTab } from './BasicTab';
import { useBot } from './chatbots-api';
import { InstallTab } from './InstallTab';

const TABS = [
  { id: 'basic', label: 'Basic' },
  { id: 'appearance', label: 'Appearance' },
  { id: 'install', label: 'Install' },
] as const;
type TabId = (typeof TABS)[number]['id'];

const isTab = (value: string | null): value is TabId => TABS.some((tab) => tab.id === value);

/**
 * docs/contract.md §7 Chatbots: one chatbot, in the tabs "Basic", "Appearance" and "Install"
 * (WAI-ARIA tabs: the arrow keys, Home and End move between them and select). The tab is in the
 * address (`?tab=appearance`), so a reload or a shared link opens the same one.
 */
export function ChatbotPage() {
  const { botId = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const bot = useBot(botId);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const requested = search.get('tab');
  const selected: TabId = isTab(requested) ? requested : 'basic';

  function select(tab: TabId, focus = false) {
    setSearch({ tab }, { replace: true });
    if (focus) tabRefs.current[tab]?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = TABS.findIndex((tab) => tab.id === selected);
    const next = {
      ArrowRight: (index + 1) % TABS.length,
      ArrowLeft: (index - 1 + TABS.length) % TABS.length,
      Home: 0,
      End: TABS.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const tab = TABS[next];
    if (tab) select(tab.id, true);
  }

  if (bot.isPending) return <p role="status">Loading the chatbot…</p>;
  if (bot.isError)
    return (
      <>
        <title>Chatbot · Hilal</title>
        <h1>Chatbot</h1>
        <p role="alert" className="error">
          {bot.error.message}
        </p>
        <p>
          <Link to="/chatbots">All chatbots</Link>
        </p>
      </>
    );

  return (
    <>
      <title>{`${bot.data.name} · Chatbots · Hilal`}</title>
      <p className="breadcrumb">
        <Link to="/chatbots">Chatbots</Link>
      </p>
      <h1>{bot.data.name}</h1>
      <div role="tablist" aria-label="Chatbot settings" className="tabs" onKeyDown={onKeyDown}>
        {TABS.map((tab) => (
          <button
            key={tab.id}
            ref={(element) => {
              tabRefs.current[tab.id] = element;
            }}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={tab.id === selected}
            aria-controls={tab.id === selected ? `panel-${tab.id}` : undefined}
            tabIndex={tab.id === selected ? 0 : -1}
            onClick={() => select(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`panel-${selected}`}
        aria-labelledby={`tab-${selected}`}
        className="tabpanel"
      >
        {selected === 'basic' && <BasicTab bot={bot.data} />}
        {selected === 'appearance' && <AppearanceTab bot={bot.data} />}
        {selected === 'install' && <InstallTab bot={bot.data} />}
      </div>
    </>
  );
}
