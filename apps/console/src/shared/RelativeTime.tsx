import { formatDateTime, relative } from './format';
import { useNow } from './hooks';

export function RelativeTime({ iso }: { iso: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {relative(iso, now)}
    </time>
  );
}
