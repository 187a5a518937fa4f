import { t } from '../lib/i18n';
import { Screen } from './Screen';
import { SearchPanel } from './SearchPanel';

export function SearchIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" strokeWidth="2.2" />
      <path d="M15.5 15.5L21 21" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
    </svg>
  );
}

/** `#/search`: search every room I am in. */
export function SearchScreen() {
  return (
    <Screen title={t('search.title')} testId="search-screen">
      <SearchPanel />
    </Screen>
  );
}
