import { ATTACHMENT_CONTENT_TYPES, AttachmentLimits } from '@app/contracts/messages/attachment-limits';
import type { UploadedAttachmentView } from '@app/contracts/messages/attachments';
import type { AttachmentView } from '@app/contracts/views';
import { useCallback, useEffect, useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import { uploadAttachment, type UploadHandle } from '../api/upload';
import { errorText, t } from '../lib/i18n';
import { primeAttachment } from './AttachmentImage';

/** The server's default ATTACHMENT_MAX_BYTES: checked here to spare a doomed upload; the server decides. */
const MAX_BYTES = 10 * 1024 * 1024;
const TYPES: readonly string[] = ATTACHMENT_CONTENT_TYPES;

export interface StagedImage {
  key: string;
  file: File;
  previewUrl: string;
  /** 0..1 of the bytes sent. */
  progress: number;
  status: 'uploading' | 'ready' | 'failed';
  error?: string;
  uploaded?: UploadedAttachmentView;
}

export interface StagedImages {
  staged: StagedImage[];
  allReady: boolean;
  dragging: boolean;
  add(files: File[]): void;
  remove(key: string): void;
  retry(key: string): void;
  /** After sending: forget them (the uploads now belong to the message). */
  clear(): void;
  onPaste(e: ClipboardEvent): void;
  onDragOver(e: DragEvent): void;
  onDragLeave(e: DragEvent): void;
  onDrop(e: DragEvent): void;
}

export function toAttachmentView(u: UploadedAttachmentView): AttachmentView {
  const view: AttachmentView = { id: u.id, name: u.name, mimeType: u.mimeType, size: u.size };
  if (u.width && u.height) Object.assign(view, { width: u.width, height: u.height });
  return view;
}

let counter = 0;

/**
 * Images chosen for the next message of one room, each uploaded as soon as it is chosen (the way
 * Slack and KakaoTalk do), with its progress; sending waits until all are up. Switching rooms
 * cancels what is still uploading, since an upload belongs to its room.
 */
export function useStagedImages(roomId: string, warn: (message: string) => void): StagedImages {
  const [staged, setStaged] = useState<StagedImage[]>([]);
  const [dragging, setDragging] = useState(false);
  const handles = useRef(new Map<string, UploadHandle>());
  const current = useRef(staged);
  current.current = staged;

  const patch = useCallback((key: string, change: Partial<StagedImage>) => {
    setStaged((list) => list.map((s) => (s.key === key ? { ...s, ...change } : s)));
  }, []);

  const start = useCallback(
    (item: StagedImage) => {
      const handle = uploadAttachment(roomId, item.file, (progress) => patch(item.key, { progress }));
      handles.current.set(item.key, handle);
      handle.done.then(
        (uploaded) => {
          primeAttachment(uploaded.id, item.file);
          patch(item.key, { status: 'ready', progress: 1, uploaded });
        },
        (err: unknown) => {
          if ((err as Error)?.name === 'AbortError') return;
          patch(item.key, { status: 'failed', error: errorText(err) });
        },
      );
      handle.done.finally(() => handles.current.delete(item.key)).catch(() => undefined);
    },
    [roomId, patch],
  );

  const dropAll = useCallback(() => {
    for (const h of handles.current.values()) h.abort();
    handles.current.clear();
    for (const s of current.current) URL.revokeObjectURL(s.previewUrl);
    setStaged([]);
  }, []);

  // Another room (or leaving the chat): what was staged here stays here, i.e. goes.
  useEffect(() => dropAll, [roomId, dropAll]);

  const add = useCallback(
    (files: File[]) => {
      const room = AttachmentLimits.PER_MESSAGE_MAX - current.current.length;
      const accepted: StagedImage[] = [];
      for (const file of files) {
        if (!TYPES.includes(file.type)) {
          warn(t('attach.wrongType', { name: file.name || 'file' }));
          continue;
        }
        if (file.size > MAX_BYTES) {
          warn(t('attach.tooLarge', { name: file.name || 'file', max: MAX_BYTES / 1024 / 1024 }));
          continue;
        }
        if (accepted.length >= room) {
          warn(t('attach.tooMany', { max: AttachmentLimits.PER_MESSAGE_MAX }));
          break;
        }
        accepted.push({
          key: `img-${++counter}`,
          file,
          previewUrl: URL.createObjectURL(file),
          progress: 0,
          status: 'uploading',
        });
      }
      if (!accepted.length) return;
      setStaged((list) => [...list, ...accepted]);
      for (const item of accepted) start(item);
    },
    [start, warn],
  );

  const remove = useCallback((key: string) => {
    handles.current.get(key)?.abort();
    setStaged((list) => {
      const gone = list.find((s) => s.key === key);
      if (gone) URL.revokeObjectURL(gone.previewUrl);
      return list.filter((s) => s.key !== key);
    });
  }, []);

  const retry = useCallback(
    (key: string) => {
      const item = current.current.find((s) => s.key === key);
      if (!item) return;
      const again = { ...item, status: 'uploading' as const, progress: 0, error: undefined };
      patch(key, again);
      start(again);
    },
    [patch, start],
  );

  const clear = useCallback(() => {
    for (const s of current.current) URL.revokeObjectURL(s.previewUrl);
    setStaged([]);
  }, []);

  const imagesOf = (list: FileList | null | undefined): File[] =>
    Array.from(list ?? []).filter((f) => f.type.startsWith('image/'));

  return {
    staged,
    allReady: staged.every((s) => s.status === 'ready'),
    dragging,
    add,
    remove,
    retry,
    clear,
    onPaste(e) {
      const files = imagesOf(e.clipboardData?.files);
      if (!files.length) return;
      e.preventDefault();
      add(files);
    },
    onDragOver(e) {
      if (!Array.from(e.dataTransfer.types).includes('Files')) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    },
    onDragLeave(e) {
      if (e.currentTarget.contains(e.relatedTarget as Node | null)) return;
      setDragging(false);
    },
    onDrop(e) {
      if (!Array.from(e.dataTransfer.types).includes('Files')) return;
      e.preventDefault();
      setDragging(false);
      add(Array.from(e.dataTransfer.files));
    },
  };
}

export function AttachButton({ images }: { images: StagedImages }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="icon-button attach-button"
        data-testid="attach-button"
        aria-label={t('attach.button')}
        title={t('attach.button')}
        onClick={() => input.current?.click()}
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <path
            d="M16.5 6.5v10.25a4.5 4.5 0 01-9 0V5.75a3 3 0 016 0v10a1.5 1.5 0 01-3 0V6.5H9v9.25a3 3 0 006 0v-10a4.5 4.5 0 00-9 0v11a6 6 0 0012 0V6.5h-1.5z"
            fill="currentColor"
          />
        </svg>
      </button>
      <input
        ref={input}
        type="file"
        accept={TYPES.join(',')}
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          images.add(Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
    </>
  );
}

export function AttachmentPreviews({ images }: { images: StagedImages }) {
  if (images.staged.length === 0) return null;
  return (
    <ul className="composer-previews" aria-label={t('attach.previews')} data-testid="attachment-previews">
      {images.staged.map((s) => {
        const name = s.file.name || t('attach.photo');
        const pct = Math.round(s.progress * 100);
        return (
          <li
            key={s.key}
            className={`composer-preview ${s.status}`}
            data-testid="attachment-preview"
            data-status={s.status}
          >
            <img src={s.previewUrl} alt={name} />
            {s.status === 'uploading' && (
              <div
                className="upload-progress"
                role="progressbar"
                aria-label={t('attach.uploading', { name, pct })}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={pct}
                data-testid="upload-progress"
              >
                <span style={{ width: `${pct}%` }} />
              </div>
            )}
            {s.status === 'uploading' && (
              <span className="upload-pct" aria-hidden="true">
                {pct}%
              </span>
            )}
            {s.status === 'ready' && <span className="sr-only">{t('attach.uploaded', { name })}</span>}
            {s.status === 'failed' && (
              <button
                type="button"
                className="preview-retry"
                title={t('attach.failed', { name, error: s.error ?? '' })}
                aria-label={t('attach.failed', { name, error: s.error ?? '' })}
                onClick={() => images.retry(s.key)}
              >
                ↻
              </button>
            )}
            <button
              type="button"
              className="preview-remove"
              data-testid="attachment-remove"
              aria-label={t(s.status === 'uploading' ? 'attach.cancel' : 'attach.remove', { name })}
              onClick={() => images.remove(s.key)}
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}
