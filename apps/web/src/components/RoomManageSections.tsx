import type { InviteLinkView } from '@app/contracts/rooms/views';
import type { MemberView } from '@app/contracts/views';
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { roomAdminApi } from '../api/management';
import { formatFull, formatListTime } from '../lib/format';
import { errorText, t } from '../lib/i18n';
import { inviteLink } from '../lib/route';
import { showToast, updateRoom, useApp } from '../state/app';
import { forgetInviteLink, rememberInviteLink, useInviteLinks } from '../state/invite-links';
import { loadMembers, onRoomChanged } from '../state/rooms';
import { Avatar } from './Avatar';
import { CopyButton } from './CopyButton';
import { ReportsQueue } from './ReportsQueue';
import { Section } from './Screen';
import './search.css';

/** ROOM_IMAGE_MAX_BYTES (its module carries the validators, which stay out of the bundle). */
const ROOM_IMAGE_MAX_BYTES = 256 * 1024;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const KB = ROOM_IMAGE_MAX_BYTES / 1024;

/** Owner or admin: upload, change or remove the room's picture. */
export function RoomImageSection({ roomId }: { roomId: string }) {
  const id = useId();
  const room = useApp((s) => s.rooms[roomId]?.room);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!file) return setPreview(null);
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  function pick(f: File | undefined) {
    setError(null);
    if (!f) return setFile(null);
    if (!IMAGE_TYPES.includes(f.type)) return setError(t('roomAdmin.imageType'));
    if (f.size > ROOM_IMAGE_MAX_BYTES) return setError(t('roomAdmin.imageSize', { kb: KB }));
    setFile(f);
  }

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (!room) return null;
  return (
    <Section title={t('roomAdmin.image')} testId="room-image-section">
      <div className="avatar-editor">
        <Avatar id={room.id} name={room.name} size="xl" square src={preview ?? room.imageUrl} />
        <div className="stack">
          <label className="btn btn-secondary btn-sm file-label" htmlFor={`${id}-file`}>
            {t('roomAdmin.chooseImage')}
          </label>
          <input
            id={`${id}-file`}
            className="sr-only"
            type="file"
            accept={IMAGE_TYPES.join(',')}
            data-testid="room-image-file"
            onChange={(e) => {
              pick(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
          {file && (
            <span className="row-actions">
              <button
                type="button"
                className="btn btn-primary btn-sm"
                data-testid="room-image-upload"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    onRoomChanged(await roomAdminApi.setImage(roomId, file));
                    setFile(null);
                    showToast(t('roomAdmin.imageSaved'));
                  })
                }
              >
                {t('roomAdmin.upload')}
              </button>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setFile(null)}>
                {t('common.cancel')}
              </button>
            </span>
          )}
          {!file && room.imageUrl && (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              data-testid="room-image-remove"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const updated = await roomAdminApi.removeImage(roomId);
                  onRoomChanged({ ...updated, imageUrl: undefined });
                  showToast(t('roomAdmin.imageRemoved'));
                })
              }
            >
              {t('roomAdmin.removeImage')}
            </button>
          )}
          <small className="muted">{t('roomAdmin.imageHint', { kb: KB })}</small>
          {error && (
            <p className="form-error small" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
    </Section>
  );
}

/**
 * Owner or admin of a group room: the room's live invite links, whoever made them and wherever,
 * each with revoke; copy only for those made in this browser (the server never lists tokens).
 */
export function InviteLinksSection({ roomId }: { roomId: string }) {
  const local = useInviteLinks(roomId);
  const members = useApp((s) => s.members[roomId]);
  const names = useApp((s) => s.names);
  const [server, setServer] = useState<InviteLinkView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => {
    roomAdminApi
      .listInviteLinks(roomId)
      .then((r) => setServer(r.links))
      .catch((err: unknown) => showToast(errorText(err), 'error'));
  }, [roomId]);
  useEffect(load, [load]);
  const tokens = useMemo(() => new Map(local.flatMap((l) => (l.token ? [[l.id, l.token]] : []))), [local]);
  const now = Date.now();
  // Until the server answers (or if it cannot), the links this browser knows.
  const live = (server ?? local).filter((l) => Date.parse(l.expiresAt) > now);

  async function create() {
    setBusy(true);
    try {
      rememberInviteLink(await roomAdminApi.createInviteLink(roomId));
      load();
    } catch (err) {
      showToast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  async function revoke(linkId: string) {
    if (!window.confirm(t('roomAdmin.confirmRevoke'))) return;
    try {
      await roomAdminApi.revokeInviteLink(roomId, linkId);
      forgetInviteLink(roomId, linkId);
      setServer((links) => links?.filter((l) => l.id !== linkId) ?? null);
      showToast(t('roomAdmin.revoked'));
    } catch (err) {
      showToast(errorText(err), 'error');
      load();
    }
  }

  return (
    <Section title={t('roomAdmin.links')} testId="invite-links-section">
      <p className="muted small">{t('roomAdmin.linksHint')}</p>
      {live.length === 0 ? (
        <p className="muted small">{t('roomAdmin.noLinks')}</p>
      ) : (
        <ul className="link-list">
          {live.map((l) => {
            const token = l.token ?? tokens.get(l.id);
            const url = token ? inviteLink(roomId, token) : '';
            const by = members?.[l.createdBy]?.displayName ?? names[l.createdBy] ?? t('common.unknownUser');
            return (
              <li key={l.id} data-testid="invite-link" data-link-id={l.id}>
                <span className="member-name">
                  {url ? (
                    <code title={url}>{url}</code>
                  ) : (
                    <span className="block muted">{t('roomAdmin.linkElsewhere')}</span>
                  )}
                  <span className="muted small block" title={formatFull(l.expiresAt)}>
                    {t('roomAdmin.linkMeta', {
                      by,
                      when: formatListTime(l.createdAt),
                      uses: l.maxUses === undefined ? l.uses : `${l.uses}/${l.maxUses}`,
                      expires: formatListTime(l.expiresAt),
                    })}
                  </span>
                </span>
                {url && <CopyButton text={url} label={t('common.copy')} testId="invite-link-copy" />}
                <button
                  type="button"
                  className="btn btn-ghost btn-xs danger"
                  data-testid="invite-link-revoke"
                  onClick={() => void revoke(l.id)}
                >
                  {t('roomAdmin.revoke')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        data-testid="invite-link-new"
        disabled={busy}
        onClick={() => void create()}
      >
        {t('roomAdmin.newLink')}
      </button>
    </Section>
  );
}

/** Owner only: hand the room to another member (the old owner stays on as an admin). */
export function TransferOwnershipSection({
  roomId,
  members,
}: {
  roomId: string;
  members: Record<string, MemberView>;
}) {
  const id = useId();
  const myId = useApp((s) => s.session?.user.id);
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const others = useMemo(
    () =>
      Object.values(members)
        .filter((m) => m.userId !== myId)
        .sort((a, b) => a.displayName.localeCompare(b.displayName)),
    [members, myId],
  );
  if (!others.length) return null;

  async function transfer() {
    const member = members[target];
    if (!member || !window.confirm(t('roomAdmin.confirmTransfer', { name: member.displayName }))) return;
    setBusy(true);
    try {
      const detail = await roomAdminApi.transferOwnership(roomId, target);
      const { members: _members, ...room } = detail;
      updateRoom(roomId, (e) => ({ ...e, room: { ...e.room, ...room, myRole: room.myRole ?? 'admin' } }));
      await loadMembers(roomId);
      setTarget('');
      showToast(t('roomAdmin.transferred', { name: member.displayName }));
    } catch (err) {
      showToast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title={t('roomAdmin.transfer')} testId="transfer-section">
      <p className="muted small">{t('roomAdmin.transferHint')}</p>
      <div className="inline-form-row">
        <label htmlFor={`${id}-owner`} className="sr-only">
          {t('roomAdmin.newOwner')}
        </label>
        <select
          id={`${id}-owner`}
          data-testid="transfer-target"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
        >
          <option value="">{t('roomAdmin.pick')}</option>
          {others.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.displayName}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-danger btn-sm"
          data-testid="transfer-submit"
          disabled={!target || busy}
          onClick={() => void transfer()}
        >
          {t('roomAdmin.transferButton')}
        </button>
      </div>
    </Section>
  );
}

/** Owner or admin: this room's reported messages. */
export function RoomReportsSection({ roomId }: { roomId: string }) {
  const ids = useMemo(() => [roomId], [roomId]);
  return (
    <Section title={t('roomAdmin.reports')} testId="room-reports">
      <ReportsQueue roomIds={ids} />
    </Section>
  );
}
