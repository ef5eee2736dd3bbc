import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <>
      <title>Not found · Hilal</title>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/inbox">Go to the inbox</Link>.
      </p>
    </>
  );
}
