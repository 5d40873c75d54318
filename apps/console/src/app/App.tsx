import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { CommandCenterPage } from '../command-center/CommandCenterPage';
import { SessionsPage } from '../sessions/SessionsPage';
import { forgetKey, storedKey, storeKey, takeKeyFromFragment } from './api-key';
import { createLedgerClient } from './client';
import { SignedInContext, type Caller } from './session-context';
import { SignIn } from './SignIn';
import { useTheme } from './theme';

const SessionPage = lazy(() => import('../session/SessionPage').then((m) => ({ default: m.SessionPage })));
const UsagePage = lazy(() => import('../usage/UsagePage').then((m) => ({ default: m.UsagePage })));
const AgentsPage = lazy(() => import('../agents/AgentsPage').then((m) => ({ default: m.AgentsPage })));
const AuditPage = lazy(() => import('../audit/AuditPage').then((m) => ({ default: m.AuditPage })));
const ExplorerPage = lazy(() => import('../explorer/ExplorerPage'));

/** Checks a key with the server's `whoami`; null when the server does not know it. */
async function whoami(key: string): Promise<Caller | null> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ whoami { organizationId roles principal { type id name } } }' }),
  });
  const body = (await response.json()) as { data?: { whoami: Caller } | null };
  return body.data?.whoami ?? null;
}

export function App() {
  const [caller, setCaller] = useState<Caller | null>(null);
  const [key, setKey] = useState<string | null>(null);
  const [checking, setChecking] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const signIn = useCallback(async (candidate: string) => {
    setChecking(true);
    try {
      const found = await whoami(candidate);
      if (!found) {
        forgetKey();
        setError('The server does not know this key. Check it and try again.');
        return;
      }
      storeKey(candidate);
      setError(null);
      setKey(candidate);
      setCaller(found);
    } catch {
      setError('The server cannot be reached. Is it running?');
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    takeKeyFromFragment();
    const existing = storedKey();
    if (existing) void signIn(existing);
    else setChecking(false);
  }, [signIn]);

  const signOut = useCallback(() => {
    forgetKey();
    setCaller(null);
    setKey(null);
  }, []);

  if (!caller || !key) {
    if (checking && storedKey()) return <div className="empty">Signing in…</div>;
    return <SignIn onSubmit={(k) => void signIn(k)} error={error} busy={checking} />;
  }
  return <SignedInShell key={key} apiKey={key} caller={caller} signOut={signOut} />;
}

function SignedInShell({ apiKey, caller, signOut }: { apiKey: string; caller: Caller; signOut: () => void }) {
  const [live, setLive] = useState(false);
  const { client, dispose } = useMemo(() => createLedgerClient(apiKey, setLive), [apiKey]);
  useEffect(() => dispose, [dispose]);
  const { theme, toggle } = useTheme();
  return (
    <Provider value={client}>
      <SignedInContext.Provider value={{ caller, live, signOut }}>
        <div className="shell">
          <nav className="sidebar" aria-label="Main">
            <Link href="/" className="brand" aria-label="Agent Ledger, Command Center">
              <span className="brand-mark" aria-hidden="true">AL</span>
              <span>Agent Ledger</span>
            </Link>
            <div className="nav">
              <NavLink href="/" icon="◉">Command Center</NavLink>
              <NavLink href="/sessions" icon="☰">Sessions</NavLink>
              <NavLink href="/usage" icon="$">Usage</NavLink>
              <NavLink href="/agents" icon="⚙">Agents</NavLink>
              <NavLink href="/audit" icon="✓">Audit</NavLink>
              <NavLink href="/explorer" icon="{}">Explorer</NavLink>
            </div>
            <div className="sidebar-foot">
              <div data-caller>
                <div style={{ color: 'var(--text)', fontWeight: 600 }}>{caller.principal.name ?? caller.principal.id}</div>
                <div>
                  {caller.organizationId} · {caller.roles.join(', ')}
                </div>
              </div>
              <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap' }}>
                <button className="small" onClick={toggle} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
                  {theme === 'dark' ? '☀ Light' : '☾ Dark'}
                </button>
                <button className="small" onClick={signOut}>
                  Sign out
                </button>
              </div>
            </div>
          </nav>
          <main className="main" id="main">
            <Suspense fallback={<div className="page"><div className="empty">Loading…</div></div>}>
              <Switch>
                <Route path="/" component={CommandCenterPage} />
                <Route path="/sessions" component={SessionsPage} />
                <Route path="/sessions/:id">{(params) => <SessionPage key={params.id} id={params.id} />}</Route>
                <Route path="/usage" component={UsagePage} />
                <Route path="/agents" component={AgentsPage} />
                <Route path="/audit" component={AuditPage} />
                <Route path="/explorer" component={ExplorerPage} />
                <Route>
                  <Redirect to="/" />
                </Route>
              </Switch>
            </Suspense>
          </main>
        </div>
      </SignedInContext.Provider>
    </Provider>
  );
}

function NavLink({ href, icon, children }: { href: string; icon: string; children: ReactNode }) {
  const [location] = useLocation();
  const current = href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      <span className="nav-icon" aria-hidden="true">{icon}</span>
      {children}
    </Link>
  );
}
