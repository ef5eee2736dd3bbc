import type { InboxCounts } from '@hilal/contract/admin-api';
import { type ReactNode, useEffect, useState } from 'react';
import { BADGE_LABELS } from './IdentityBadge';
import { type InboxFilters, useInboxBots } from './inbox-api';

const withCount = (label: string, count: number | undefined) =>
  count === undefined ? label : `${label} (${count})`;

/** Waits this long after the last keystroke before searching. */
const SEARCH_DELAY_MS = 250;

/** The list's filters, each a labelled control with the count of what it would show. */
export function InboxFilterBar({
  filters,
  counts,
  botIds,
  onChange,
}: {
  filters: InboxFilters;
  counts: InboxCounts | undefined;
  /** The chatbots of the conversations on screen, named until the list of chatbots arrives. */
  botIds: string[];
  onChange: (filters: InboxFilters) => void;
}) {
  const bots = useInboxBots();
  const [search, setSearch] = useState(filters.q ?? '');
  const set = (patch: InboxFilters) => onChange({ ...filters, ...patch });

  useEffect(() => {
    if ((filters.q ?? '') === search) return;
    const timer = setTimeout(
      () => onChange({ ...filters, q: search || undefined }),
      SEARCH_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [search, filters, onChange]);

  const botOptions =
    bots.data ??
    [...new Set([...botIds, ...(filters.botId ? [filters.botId] : [])])].map((id) => ({
      id,
      name: id,
    }));

  return (
    <form
      className="inbox-filters"
      aria-label="Filter conversations"
      onSubmit={(event) => event.preventDefault()}
    >
      <RadioGroup legend="Status">
        <Radio
          name="inbox-status"
          label={withCount('Open', counts?.status.open)}
          checked={filters.status === 'open'}
          onSelect={() => set({ status: 'open' })}
        />
        <Radio
          name="inbox-status"
          label={withCount('Closed', counts?.status.closed)}
          checked={filters.status === 'closed'}
          onSelect={() => set({ status: 'closed' })}
        />
      </RadioGroup>
      <RadioGroup legend="Identity">
        <Radio
          name="inbox-identity"
          label="Any"
          checked={filters.identity === undefined}
          onSelect={() => set({ identity: undefined })}
        />
        {(['verified', 'self-reported', 'anonymous'] as const).map((identity) => (
          <Radio
            name="inbox-identity"
            key={identity}
            label={withCount(BADGE_LABELS[identity], counts?.identity[identity])}
            checked={filters.identity === identity}
            onSelect={() => set({ identity })}
          />
        ))}
      </RadioGroup>
      <RadioGroup legend="Assignment">
        <Radio
          name="inbox-assignee"
          label={withCount('Mine', counts?.assignee.mine)}
          checked={filters.assignee === 'mine'}
          onSelect={() => set({ assignee: 'mine' })}
        />
        <Radio
          name="inbox-assignee"
          label={withCount('Unassigned', counts?.assignee.unassigned)}
          checked={filters.assignee === 'unassigned'}
          onSelect={() => set({ assignee: 'unassigned' })}
        />
        <Radio
          name="inbox-assignee"
          label={withCount('All', counts?.assignee.all)}
          checked={filters.assignee === 'all'}
          onSelect={() => set({ assignee: 'all' })}
        />
      </RadioGroup>
      <div className="inbox-filter-fields">
        <label>
          Chatbot
          <select
            value={filters.botId ?? ''}
            onChange={(event) => set({ botId: event.currentTarget.value || undefined })}
          >
            <option value="">All chatbots</option>
            {botOptions.map((bot) => (
              <option key={bot.id} value={bot.id}>
                {bot.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input
            type="search"
            value={search}
            maxLength={200}
            placeholder="Name, email or user id"
            onChange={(event) => setSearch(event.currentTarget.value)}
          />
        </label>
      </div>
    </form>
  );
}

function RadioGroup({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="inbox-filter">
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}

function Radio({
  name,
  label,
  checked,
  onSelect,
}: {
  /** The group's name: arrow keys move within it. */
  name: string;
  label: string;
  checked: boolean;
  onSelect: () => void;
}) {
  return (
    <label className="radio">
      <input type="radio" name={name} checked={checked} onChange={onSelect} />
      {label}
    </label>
  );
}
