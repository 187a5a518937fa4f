import { useEffect } from 'react';
import { unreadOf, useApp } from '../state/app';

/** "(3) Happy Chat" in the tab title while messages wait unread. */
export function useUnreadTitle(): void {
  const total = useApp((s) => {
    let n = 0;
    for (const entry of Object.values(s.rooms)) n += unreadOf(entry);
    return n;
  });
  useEffect(() => {
    document.title = total > 0 ? `(${total > 99 ? '99+' : total}) Happy Chat` : 'Happy Chat';
    return () => {
      document.title = 'Happy Chat';
    };
  }, [total]);
}
