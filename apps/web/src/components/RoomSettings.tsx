import { Limits } from '@app/contracts/limits';
import type { BanView } from '@app/contracts/moderation/views';
import type { MemberView } from '@app/contracts/views';
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import { errorText, t } from '../lib/i18n';
import { navigate, routeHash } from '../lib/route';
import { showToast, useApp } from '../state/app';
import { leaveRoom, loadMembers, onRoomChanged } from '../state/rooms';
import { Avatar } from './Avatar';
import { roleOrder } from './MembersPanel';
import { PresenceDot } from './PresenceDot';
import {
  InviteLinksSection,
  RoomImageSection,
  RoomReportsSection,
  TransferOwnershipSection,
} from './RoomManageSections';
import { useRoomTitle } from './roomName';
import { Screen, Section } from './Screen';
import { IntegrationsSection } from './IntegrationsSection';

const MUTE_CHOICES = [
  { seconds: 600, key: 'settings.mute10m' },
  { seconds: 3600, key: 'settings.mute1h' },
  { seconds: 86400, key: 'settings.mute1d' },
] as const;

const SLOW_CHOICES = [0, 5, 10, 30, 60, 300];

async function attempt(fn: () => Promise<unknown>, done?: string): Promise<boolean> {
  try {
    await fn();
    if (done) showToast(done);
    return true;
  } catch (err) {
    showToast(errorText(err), 'error');
    return false;
  }
}

/** Room settings: what everyone may do (leave), and what owners and admins may change. */
export function RoomSettings({ roomId }: { roomId: string }) {
  const entry = useApp((s) => s.rooms[roomId]);
  const members = useApp((s) => s.members[roomId]);
  const title = useRoomTitle(roomId);
  useEffect(() => {
    loadMembers(roomId).catch(() => undefined);
  }, [roomId]);

  if (!entry) {
    return (
      <Screen title={t('settings.title')}>
        <p className="muted">{t('problem.notMember')}</p>
      </Screen>
    );
  }
  const room = entry.room;
  const myRole = room.myRole ?? 'member';
  const moderator = myRole === 'owner' || myRole === 'admin';

  return (
    <Screen
      title={`${t('settings.title')} · ${title}`}
      back={routeHash({ name: 'room', roomId })}
      testId="room-settings"
    >
      {moderator && room.kind !== 'direct' && <RenameForm roomId={roomId} name={room.name} />}
      {moderator && room.kind !== 'direct' && <RoomImageSection roomId={roomId} />}
      {moderator && (
        <ModerationSettings
          roomId={roomId}
          slowModeSeconds={room.settings?.slowModeSeconds ?? 0}
          profanityFilter={room.settings?.profanityFilter ?? true}
          historyVisibility={room.settings?.historyVisibility ?? 'shared'}
        />
      )}
      {members && <MembersSection roomId={roomId} members={members} myRole={myRole} />}
      {moderator && room.kind !== 'direct' && members && (
        <IntegrationsSection roomId={roomId} members={members} />
      )}
      {moderator && <BansSection roomId={roomId} />}
      {moderator && room.kind !== 'direct' && <RoomReportsSection roomId={roomId} />}
      {moderator && room.kind === 'group' && <InviteLinksSection roomId={roomId} />}
      {myRole === 'owner' && room.kind !== 'direct' && members && (
        <TransferOwnershipSection roomId={roomId} members={members} />
      )}
      {myRole === 'owner' && <ExportSection roomId={roomId} />}
      {room.kind !== 'direct' && (
        <Section title={t('settings.leaveTitle')}>
          {myRole === 'owner' ? (
            <p className="muted small">{t('settings.ownerLeave')}</p>
          ) : (
            <button
              type="button"
              className="btn btn-danger btn-sm"
              data-testid="room-leave"
              onClick={async () => {
                if (!window.confirm(t('settings.confirmLeave'))) return;
                if (await attempt(() => leaveRoom(roomId))) navigate({ name: 'home' });
              }}
            >
              {t('settings.leave')}
            </button>
          )}
        </Section>
      )}
    </Screen>
  );
}

function RenameForm({ roomId, name }: { roomId: string; name: string }) {
  const id = useId();
  const [value, setValue] = useState(name);
  useEffect(() => setValue(name), [name]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const next = value.trim();
    if (!next || next === name) return;
    await attempt(async () => onRoomChanged(await api.renameRoom(roomId, next)), t('settings.renamed'));
  }
  return (
    <Section title={t('settings.name')}>
      <form className="inline-form-row" onSubmit={submit}>
        <label htmlFor={`${id}-name`} className="sr-only">
          {t('settings.name')}
        </label>
        <input
          id={`${id}-name`}
          data-testid="room-rename"
          value={value}
          maxLength={Limits.ROOM_NAME_MAX}
          onChange={(e) => setValue(e.target.value)}
        />
        <button
          type="submit"
          className="btn btn-primary btn-sm"
          disabled={!value.trim() || value.trim() === name}
        >
          {t('common.save')}
        </button>
      </form>
    </Section>
  );
}

function ModerationSettings({
  roomId,
  slowModeSeconds,
  profanityFilter,
  historyVisibility,
}: {
  roomId: string;
  slowModeSeconds: number;
  profanityFilter: boolean;
  historyVisibility: 'shared' | 'joined';
}) {
  const id = useId();
  const update = (patch: Parameters<typeof api.roomSettings>[1]) =>
    attempt(async () => onRoomChanged(await api.roomSettings(roomId, patch)), t('settings.saved'));
  const choices = SLOW_CHOICES.includes(slowModeSeconds)
    ? SLOW_CHOICES
    : [...SLOW_CHOICES, slowModeSeconds].sort((a, b) => a - b);
  return (
    <Section title={t('settings.moderation')}>
      <div className="stack">
        <label className="field" htmlFor={`${id}-slow`}>
          <span>{t('settings.slowMode')}</span>
          <select
            id={`${id}-slow`}
            data-testid="slow-mode"
            value={slowModeSeconds}
            onChange={(e) => void update({ slowModeSeconds: Number(e.target.value) })}
          >
            {choices.map((s) => (
              <option key={s} value={s}>
                {s === 0 ? t('settings.off') : t('settings.seconds', { n: s })}
              </option>
            ))}
          </select>
        </label>
        <label className="check" htmlFor={`${id}-filter`}>
          <input
            id={`${id}-filter`}
            type="checkbox"
            data-testid="profanity-filter"
            checked={profanityFilter}
            onChange={(e) => void update({ profanityFilter: e.target.checked })}
          />
          <span>{t('settings.profanity')}</span>
        </label>
        <label className="check" htmlFor={`${id}-history`}>
          <input
            id={`${id}-history`}
            type="checkbox"
            data-testid="hide-history-before-join"
            checked={historyVisibility === 'joined'}
            onChange={(e) => void update({ historyVisibility: e.target.checked ? 'joined' : 'shared' })}
          />
          <span>{t('settings.hideHistory')}</span>
        </label>
        <p className="muted small">{t('settings.hideHistoryHint')}</p>
      </div>
    </Section>
  );
}

function MembersSection({
  roomId,
  members,
  myRole,
}: {
  roomId: string;
  members: Record<string, MemberView>;
  myRole: MemberView['role'];
}) {
  const myId = useApp((s) => s.session?.user.id);
  const list = useMemo(
    () =>
      Object.values(members).sort(
        (a, b) => roleOrder[a.role] - roleOrder[b.role] || a.displayName.localeCompare(b.displayName),
      ),
    [members],
  );
  const refresh = () => loadMembers(roomId).catch(() => undefined);
  // Owners act on admins and members; admins on members.
  const outranks = (target: MemberView) =>
    target.userId !== myId && roleOrder[myRole] < roleOrder[target.role] && myRole !== 'member';

  return (
    <Section title={`${t('members.title')} · ${list.length}`} testId="settings-members">
      <ul className="people-list">
        {list.map((m) => {
          const muted = m.mutedUntil && Date.parse(m.mutedUntil) > Date.now();
          return (
            <li key={m.userId} data-testid="settings-member" data-user-id={m.userId}>
              <span className="avatar-wrap">
                <Avatar id={m.userId} name={m.displayName} size="sm" photo />
                <PresenceDot userId={m.userId} />
              </span>
              <span className="member-name">
                {m.displayName}
                {m.userId === myId && <span className="muted"> {t('common.youParen')}</span>}
                <span className="muted small block">
                  {t(`role.${m.role}`)}
                  {muted
                    ? ` · ${t('settings.mutedUntil', { when: new Date(m.mutedUntil as string).toLocaleTimeString() })}`
                    : ''}
                </span>
              </span>
              {outranks(m) && (
                <span className="row-actions">
                  {myRole === 'owner' && (
                    <button
                      type="button"
                      className="btn btn-ghost btn-xs"
                      data-testid="member-role"
                      onClick={() =>
                        void attempt(async () => {
                          await api.setRole(roomId, m.userId, m.role === 'admin' ? 'member' : 'admin');
                          await refresh();
                        })
                      }
                    >
                      {m.role === 'admin' ? t('settings.makeMember') : t('settings.makeAdmin')}
                    </button>
                  )}
                  {muted ? (
                    <button
                      type="button"
                      className="btn btn-ghost btn-xs"
                      onClick={() =>
                        void attempt(async () => (await api.unmute(roomId, m.userId), refresh()))
                      }
                    >
                      {t('settings.unmute')}
                    </button>
                  ) : (
                    <MuteButton roomId={roomId} userId={m.userId} onDone={refresh} />
                  )}
                  <button
                    type="button"
                    className="btn btn-ghost btn-xs"
                    data-testid="member-kick"
                    onClick={() => {
                      if (!window.confirm(t('settings.confirmKick', { name: m.displayName }))) return;
                      void attempt(
                        () => api.kick(roomId, m.userId),
                        t('settings.kicked', { name: m.displayName }),
                      );
                    }}
                  >
                    {t('settings.kick')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-ghost btn-xs danger"
                    data-testid="member-ban"
                    onClick={() => {
                      if (!window.confirm(t('settings.confirmBan', { name: m.displayName }))) return;
                      void attempt(
                        () => api.ban(roomId, m.userId),
                        t('settings.banned', { name: m.displayName }),
                      );
                    }}
                  >
                    {t('settings.ban')}
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

function MuteButton({ roomId, userId, onDone }: { roomId: string; userId: string; onDone: () => void }) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className="sr-only">
        {t('settings.mute')}
      </label>
      <select
        id={id}
        className="select-xs"
        data-testid="member-mute"
        value=""
        onChange={(e) => {
          const seconds = Number(e.target.value);
          if (seconds) void attempt(async () => (await api.mute(roomId, userId, seconds), onDone()));
        }}
      >
        <option value="">{t('settings.mute')}</option>
        {MUTE_CHOICES.map((c) => (
          <option key={c.seconds} value={c.seconds}>
            {t(c.key)}
          </option>
        ))}
      </select>
    </>
  );
}

function BansSection({ roomId }: { roomId: string }) {
  const names = useApp((s) => s.names);
  const [bans, setBans] = useState<BanView[]>([]);
  const load = useCallback(() => {
    api
      .bans(roomId)
      .then((r) => setBans(r.bans))
      .catch(() => undefined);
  }, [roomId]);
  const members = useApp((s) => s.members[roomId]);
  useEffect(load, [load, members]);
  if (!bans.length) return null;
  return (
    <Section title={t('settings.bans')}>
      <ul className="people-list">
        {bans.map((b) => (
          <li key={b.userId}>
            <span className="member-name">
              {names[b.userId] ?? t('common.unknownUser')}
              {b.reason && <span className="muted small block">{b.reason}</span>}
            </span>
            <button
              type="button"
              className="btn btn-ghost btn-xs"
              onClick={() => void attempt(async () => (await api.unban(roomId, b.userId), load()))}
            >
              {t('settings.unban')}
            </button>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function ExportSection({ roomId }: { roomId: string }) {
  const [busy, setBusy] = useState(false);
  // The export needs the access token, so it is fetched and handed to the browser as a file.
  async function download() {
    setBusy(true);
    try {
      const { blob, fileName } = await api.exportRoom(roomId);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName ?? `happychat-${roomId}.zip`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      showToast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  }
  return (
    <Section title={t('settings.export')}>
      <p className="muted small">{t('settings.exportHint')}</p>
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        data-testid="room-export"
        disabled={busy}
        onClick={() => void download()}
      >
        {busy ? t('common.wait') : t('settings.exportButton')}
      </button>
    </Section>
  );
}
