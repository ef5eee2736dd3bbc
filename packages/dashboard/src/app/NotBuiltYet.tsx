/** A screen of docs/contract.md §7 that has a place in the navigation but is not built yet. */
export function NotBuiltYet({ title }: { title: string }) {
  return (
    <>
      <title>{`${title} · Hilal`}</title>
      <h1>{title}</h1>
      <p>This screen is not built yet.</p>
    </>
  );
}
