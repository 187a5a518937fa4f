import type { ProfileView } from '@app/contracts/auth/views';
import type { FriendView } from '@app/contracts/friends/views';
import { useEffect, useId, useState } from 'react';
import { api } from '../api/endpoints';
import { errorText, t } from '../lib/i18n';
import { navigate } from '../lib/route';
import { rememberNames, showToast, useApp } from '../state/app';
import { friendAction, loadFriends, openDirectRoom, type FriendAction } from '../state/social';
import { Avatar } from './Avatar';
import { PresenceDot } from './PresenceDot';
import { Screen, Section } from './Screen';

async function act(userId: string, action: FriendAction): Promise<void> {
  if (action === 'block' && !window.confirm(t('friends.confirmBlock'))) return;
  try {
    await friendAction(userId, action);
  } catch (err) {
    showToast(errorText(err), 'error');
  }
}

async function message(userId: string): Promise<void> {
  try {
    const room = await openDirectRoom(userId);
    navigate({ name: 'room', roomId: room.id });
  } catch (err) {
    showToast(errorText(err), 'error');
  }
}

export function FriendsScreen() {
  const friends = useApp((s) => s.friends);
  const names = useApp((s) => s.names);
  useEffect(() => {
    loadFriends().catch((err) => showToast(errorText(err), 'error'));
  }, []);

  return (
    <Screen title={t('friends.title')} testId="friends-screen">
      <FindPeople />
      {!friends ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <>
          {friends.incoming.length > 0 && (
            <Section title={t('friends.incoming')} testId="friends-incoming">
              <PeopleList
                people={friends.incoming}
                actions={() => [
                  ['accept', t('friends.accept'), 'primary'],
                  ['decline', t('friends.decline'), 'ghost'],
                  ['block', t('friends.block'), 'ghost'],
                ]}
              />
            </Section>
          )}
          <Section title={t('friends.list')} testId="friends-list">
            {friends.friends.length === 0 ? (
              <p className="muted small">{t('friends.none')}</p>
            ) : (
              <PeopleList
                people={friends.friends}
                presence
                actions={() => [
                  ['dm', t('friends.message'), 'primary'],
                  ['remove', t('friends.remove'), 'ghost'],
                  ['block', t('friends.block'), 'ghost'],
                ]}
              />
            )}
          </Section>
          {friends.outgoing.length > 0 && (
            <Section title={t('friends.outgoing')} testId="friends-outgoing">
              <PeopleList
                people={friends.outgoing}
                actions={() => [['cancel', t('friends.cancel'), 'ghost']]}
              />
            </Section>
          )}
          {friends.blocked.length > 0 && (
            <Section title={t('friends.blocked')} testId="friends-blocked">
              <ul className="people-list">
                {friends.blocked.map((b) => (
                  <li key={b.userId}>
                    <Avatar id={b.userId} name={names[b.userId] ?? '?'} size="sm" />
                    <span className="member-name">{names[b.userId] ?? t('common.unknownUser')}</span>
                    <button
                      type="button"
                      className="btn btn-ghost btn-xs"
                      onClick={() => void act(b.userId, 'unblock')}
                    >
                      {t('friends.unblock')}
                    </button>
                  </li>
                ))}
              </ul>
            </Section>
          )}
        </>
      )}
    </Screen>
  );
}

type ActionSpec = [FriendAction | 'dm', string, 'primary' | 'ghost'];

function PeopleList({
  people,
  actions,
  presence = false,
}: {
  people: FriendView[];
  actions: (f: FriendView) => ActionSpec[];
  presence?: boolean;
}) {
  return (
    <ul className="people-list">
      {people.map((f) => (
        <li key={f.userId} data-testid="friend" data-user-id={f.userId} data-state={f.state}>
          <span className="avatar-wrap">
            <Avatar id={f.userId} name={f.displayName} size="sm" photo />
            {presence && <PresenceDot userId={f.userId} />}
          </span>
          <span className="member-name">{f.displayName}</span>
          <span className="row-actions">
            {actions(f).map(([action, label, style]) => (
              <button
                key={action}
                type="button"
                className={`btn btn-${style === 'primary' ? 'primary' : 'ghost'} btn-xs`}
                data-testid={`friend-${action}`}
                onClick={() => void (action === 'dm' ? message(f.userId) : act(f.userId, action))}
              >
                {label}
              </button>
            ))}
          </span>
        </li>
      ))}
    </ul>
  );
}

function FindPeople() {
  const id = useId();
  const friends = useApp((s) => s.friends);
  const myId = useApp((s) => s.session?.user.id);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ProfileView[]>([]);
  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setResults([]);
      return;
    }
    const timer = window.setTimeout(() => {
      api
        .searchUsers(q)
        .then(({ users }) => {
          setResults(users.filter((u) => u.id !== myId));
          rememberNames(users.map((u) => ({ id: u.id, name: u.displayName })));
        })
        .catch(() => setResults([]));
    }, 250);
    return () => window.clearTimeout(timer);
  }, [query, myId]);

  const stateOf = (userId: string): string | null => {
    if (!friends) return null;
    if (friends.friends.some((f) => f.userId === userId)) return t('friends.stateFriends');
    if (friends.outgoing.some((f) => f.userId === userId)) return t('friends.stateRequested');
    if (friends.incoming.some((f) => f.userId === userId)) return t('friends.stateIncoming');
    if (friends.blocked.some((f) => f.userId === userId)) return t('friends.stateBlocked');
    return null;
  };

  return (
    <Section title={t('friends.find')}>
      <label htmlFor={`${id}-q`} className="sr-only">
        {t('friends.find')}
      </label>
      <input
        id={`${id}-q`}
        type="search"
        data-testid="friend-search"
        placeholder={t('friends.findPlaceholder')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoComplete="off"
      />
      <ul className="people-list">
        {results.map((u) => {
          const state = stateOf(u.id);
          return (
            <li key={u.id} data-testid="friend-result" data-user-id={u.id}>
              <Avatar id={u.id} name={u.displayName} size="sm" photo={u.hasAvatar} />
              <span className="member-name">
                {u.displayName} <span className="muted">@{u.username}</span>
                {u.statusText && <span className="muted small block">{u.statusText}</span>}
              </span>
              {state ? (
                <span className="muted small">{state}</span>
              ) : (
                <button
                  type="button"
                  className="btn btn-secondary btn-xs"
                  data-testid="friend-request"
                  onClick={() => void act(u.id, 'request')}
                >
                  {t('friends.add')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
