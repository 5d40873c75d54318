import { GraphiQL } from 'graphiql';
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { useMemo } from 'react';
import type { Fetcher } from '@graphiql/toolkit';
import { storedKey } from '../app/api-key';
import { useTheme } from '../app/theme';
import { useDocumentTitle } from '../shared/hooks';

const DEFAULT_QUERY = `# The console's own key signs these requests in.
query CommandCenterCounts {
  whoami { organizationId roles principal { type id } }
  commandCenter(limit: 5) {
    counts { active attention recent }
    activeNow { id title status statusGroup progress { label } }
  }
}
`;

/** GraphiQL, bundled (it works offline) and loaded only when this page opens. */
export default function ExplorerPage() {
  useDocumentTitle('Explorer');
  const { theme } = useTheme();
  const fetcher = useMemo<Fetcher>(
    () => async (params) => {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${storedKey() ?? ''}` },
        body: JSON.stringify(params),
      });
      return response.json();
    },
    [],
  );
  return (
    <div className="page" style={{ maxWidth: 'none' }}>
      <div className="page-head">
        <div>
          <h1>GraphQL explorer</h1>
          <p>The public API, signed in with this console's key: roles and tenancy apply as for any client.</p>
        </div>
      </div>
      <div className="explorer" data-theme-explorer={theme}>
        <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} defaultTheme={theme} forcedTheme={theme} />
      </div>
    </div>
  );
}
