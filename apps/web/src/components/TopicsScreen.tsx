import type { TopicProposalView } from '@app/contracts/topics/views';
import type { RoomView } from '@app/contracts/views';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import { formatListTime } from '../lib/format';
import { errorText, t, tn } from '../lib/i18n';
import { navigate, routeHash } from '../lib/route';
import { showToast, useApp } from '../state/app';
import { joinRoom } from '../state/rooms';
import { Avatar } from './Avatar';
import { Screen, Section } from './Screen';

/** The public topic rooms: browse and join; propose one; site admins decide on proposals. */
export function TopicsScreen() {
  const id = useId();
  const role = useApp((s) => s.session?.user.role);
  const mine = useApp((s) => s.rooms);
  const [query, setQuery] = useState('');
  const [topics, setTopics] = useState<RoomView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [proposals, setProposals] = useState<TopicProposalView[]>([]);

  const loadProposals = useCallback(() => {
    if (role === 'guest') return;
    api
      .proposals()
      .then((r) => setProposals(r.proposals))
      .catch(() => undefined);
  }, [role]);

  useEffect(() => {
    const timer = window.setTimeout(
      () => {
        api
          .topics(query.trim())
          .then((r) => {
            setTopics(r.rooms);
            setError(null);
          })
          .catch((err) => setError(errorText(err)));
      },
      query ? 250 : 0,
    );
    return () => window.clearTimeout(timer);
  }, [query]);
  useEffect(loadProposals, [loadProposals]);

  async function join(room: RoomView) {
    try {
      await joinRoom(room.id);
      navigate({ name: 'room', roomId: room.id });
    } catch (err) {
      showToast(errorText(err), 'error');
    }
  }

  const pending = proposals.filter((p) => p.status === 'pending');
  return (
    <Screen title={t('topics.title')} testId="topics-screen">
      <Section title={t('topics.directory')}>
        <label htmlFor={`${id}-q`} className="sr-only">
          {t('topics.search')}
        </label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder={t('topics.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="topic-search"
        />
        {error && (
          <p className="form-error small" role="alert">
            {error}
          </p>
        )}
        {topics && topics.length === 0 && <p className="muted small">{t('topics.none')}</p>}
        <ul className="topic-list">
          {(topics ?? []).map((room) => (
            <li key={room.id} className="topic" data-testid="topic" data-room-id={room.id}>
              <Avatar id={room.id} name={room.name} square src={room.imageUrl} />
              <span className="topic-main">
                <strong>{room.name}</strong>
                {room.description && <span className="muted small">{room.description}</span>}
                <span className="muted small">
                  {tn('room.member', 'room.members', room.memberCount)}
                  {room.memberCap ? ` / ${room.memberCap}` : ''}
                  {room.lastActivityAt ? ` · ${formatListTime(room.lastActivityAt)}` : ''}
                </span>
              </span>
              {mine[room.id] ? (
                <a className="btn btn-ghost btn-xs" href={routeHash({ name: 'room', roomId: room.id })}>
                  {t('topics.open')}
                </a>
              ) : (
                <button
                  type="button"
                  className="btn btn-primary btn-xs"
                  data-testid="topic-join"
                  onClick={() => void join(room)}
                >
                  {t('topics.join')}
                </button>
              )}
            </li>
          ))}
        </ul>
      </Section>
      {role !== 'guest' && <ProposeForm onProposed={loadProposals} />}
      {role === 'admin' && pending.length > 0 && (
        <Section title={t('topics.review')} testId="topic-review">
          <ul className="people-list">
            {pending.map((p) => (
              <ProposalReview key={p.id} proposal={p} onDecided={loadProposals} />
            ))}
          </ul>
        </Section>
      )}
      {role !== 'guest' && proposals.length > 0 && role !== 'admin' && (
        <Section title={t('topics.myProposals')}>
          <ul className="people-list">
            {proposals.map((p) => (
              <li key={p.id}>
                <span className="member-name">
                  {p.name}
                  {p.reason && <span className="muted small block">{p.reason}</span>}
                </span>
                <span className={`status-tag status-${p.status}`}>{t(`topics.status.${p.status}`)}</span>
              </li>
            ))}
          </ul>
        </Section>
      )}
    </Screen>
  );
}

function ProposeForm({ onProposed }: { onProposed: () => void }) {
  const id = useId();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim() || busy) return;
    setBusy(true);
    try {
      await api.proposeTopic(name.trim(), description.trim() || undefined);
      setName('');
      setDescription('');
      showToast(t('topics.proposed'));
      onProposed();
    } catch (err) {
      showToast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  }
  return (
    <Section title={t('topics.propose')}>
      <form className="stack" onSubmit={submit}>
        <label className="field" htmlFor={`${id}-name`}>
          <span>{t('topics.name')}</span>
          <input id={`${id}-name`} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field" htmlFor={`${id}-desc`}>
          <span>
            {t('topics.description')} <span className="muted">{t('common.optional')}</span>
          </span>
          <input
            id={`${id}-desc`}
            value={description}
            maxLength={500}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-secondary btn-sm" disabled={busy || !name.trim()}>
          {t('topics.proposeSubmit')}
        </button>
      </form>
    </Section>
  );
}

function ProposalReview({ proposal, onDecided }: { proposal: TopicProposalView; onDecided: () => void }) {
  const [busy, setBusy] = useState(false);
  async function decide(approve: boolean) {
    let reason = '';
    if (!approve) {
      reason = window.prompt(t('topics.rejectReason'))?.trim() ?? '';
      if (!reason) return;
    }
    setBusy(true);
    try {
      if (approve) await api.approveProposal(proposal.id);
      else await api.rejectProposal(proposal.id, reason);
      onDecided();
    } catch (err) {
      showToast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  }
  return (
    <li data-testid="proposal">
      <span className="member-name">
        {proposal.name} <span className="muted small">· {proposal.proposerName}</span>
        {proposal.description && <span className="muted small block">{proposal.description}</span>}
      </span>
      <span className="row-actions">
        <button
          type="button"
          className="btn btn-primary btn-xs"
          disabled={busy}
          onClick={() => void decide(true)}
        >
          {t('topics.approve')}
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-xs"
          disabled={busy}
          onClick={() => void decide(false)}
        >
          {t('topics.reject')}
        </button>
      </span>
    </li>
  );
}
