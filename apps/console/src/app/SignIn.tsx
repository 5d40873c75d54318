import { useState, type FormEvent } from 'react';

/** Asks for an API key; the caller checks it against the server before keeping it. */
export function SignIn({ onSubmit, error, busy }: { onSubmit: (key: string) => void; error: string | null; busy: boolean }) {
  const [key, setKey] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim()) onSubmit(key.trim());
  };
  return (
    <main className="signin">
      <form className="card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="brand" style={{ padding: 0 }}>
          <span className="brand-mark" aria-hidden="true">AL</span> Agent Ledger
        </div>
        <h1 id="signin-title">Sign in</h1>
        <p>Use an API key of your organization. It is kept in this tab only and sent with each request.</p>
        <label>
          API key
          <input name="apiKey" type="password" autoComplete="off" autoFocus value={key} onChange={(e) => setKey(e.target.value)} required minLength={8} />
        </label>
        {error && <div className="error-box" role="alert">{error}</div>}
        <button className="primary" type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <p style={{ fontSize: 12.5 }}>
          On the embedded default, the server prints a sign-in link with its dev key when it starts.
        </p>
      </form>
    </main>
  );
}
