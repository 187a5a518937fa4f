import type { ReactNode } from 'react';
import { t } from '../lib/i18n';
import { routeHash } from '../lib/route';

/** A full-pane screen (friends, topics, profile, settings) with a title and a way back. */
export function Screen({
  title,
  back = routeHash({ name: 'home' }),
  testId,
  children,
}: {
  title: string;
  back?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <section className="screen" aria-labelledby="screen-title" data-testid={testId}>
      <header className="room-header">
        <a
          className={`back-button icon-button${back !== routeHash({ name: 'home' }) ? ' always' : ''}`}
          href={back}
          aria-label={t('room.back')}
        >
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <path
              d="M15 5l-7 7 7 7"
              fill="none"
              stroke="currentColor"
              strokeWidth="2.2"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
        </a>
        <div className="room-header-main">
          <h2 id="screen-title" className="room-title">
            {title}
          </h2>
        </div>
      </header>
      <div className="screen-body">{children}</div>
    </section>
  );
}

export function Section({
  title,
  children,
  testId,
}: {
  title: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="card" data-testid={testId}>
      <h3 className="card-title">{title}</h3>
      {children}
    </section>
  );
}
