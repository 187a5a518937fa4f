import type { AttachmentView } from '@app/contracts/views';
import { useEffect, useRef, useState } from 'react';
import { requestBlob } from '../api/http';
import { t } from '../lib/i18n';

/**
 * Images need the access token, which an <img src> cannot send: each is fetched once as a blob
 * and shown from an object URL, kept for the page's life (ids never change their bytes).
 */
const urls = new Map<string, Promise<string>>();

export function attachmentUrl(id: string): Promise<string> {
  let url = urls.get(id);
  if (!url) {
    url = requestBlob(`/attachments/${encodeURIComponent(id)}`).then(({ blob }) => URL.createObjectURL(blob));
    url.catch(() => urls.delete(id));
    urls.set(id, url);
  }
  return url;
}

/** The sender already holds the bytes: show them at once instead of downloading them back. */
export function primeAttachment(id: string, file: Blob): void {
  if (!urls.has(id)) urls.set(id, Promise.resolve(URL.createObjectURL(file)));
}

/** Longest side shown in the list, in CSS pixels (the bubble may make it smaller). */
const MAX_SIDE = 280;

function shownSize(a: AttachmentView): { width: number; height: number } | undefined {
  if (!a.width || !a.height) return undefined;
  const scale = Math.min(1, MAX_SIDE / Math.max(a.width, a.height));
  return {
    width: Math.max(1, Math.round(a.width * scale)),
    height: Math.max(1, Math.round(a.height * scale)),
  };
}

export function AttachmentImage({ attachment, alt }: { attachment: AttachmentView; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);
  const size = shownSize(attachment);

  useEffect(() => {
    let live = true;
    setFailed(false);
    attachmentUrl(attachment.id).then(
      (u) => live && setSrc(u),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [attachment.id]);

  return (
    <>
      <button
        type="button"
        className="attachment"
        data-testid="message-image"
        data-attachment-id={attachment.id}
        aria-label={t('attach.open', { name: alt })}
        onClick={() => src && setOpen(true)}
        style={size ? { aspectRatio: `${size.width} / ${size.height}`, width: size.width } : undefined}
      >
        {src ? (
          <img
            src={src}
            alt={alt}
            width={size?.width}
            height={size?.height}
            loading="lazy"
            decoding="async"
          />
        ) : (
          <span className="attachment-placeholder" role={failed ? 'alert' : undefined}>
            {failed ? t('attach.unavailable') : t('attach.loading')}
          </span>
        )}
      </button>
      {open && src && <Lightbox src={src} alt={alt} name={attachment.name} onClose={() => setOpen(false)} />}
    </>
  );
}

/** The image at full size over the page; Escape, the close button or a click outside it closes. */
function Lightbox({
  src,
  alt,
  name,
  onClose,
}: {
  src: string;
  alt: string;
  name: string;
  onClose: () => void;
}) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus?.();
    };
  }, [onClose]);
  return (
    <div
      className="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={alt}
      data-testid="image-viewer"
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="lightbox-bar">
        <span className="lightbox-name">{name}</span>
        <a className="btn btn-ghost btn-xs" href={src} download={name}>
          {t('attach.download')}
        </a>
        <button
          ref={close}
          type="button"
          className="icon-button"
          aria-label={t('common.close')}
          onClick={onClose}
        >
          ×
        </button>
      </div>
      <img src={src} alt={alt} className="lightbox-image" />
    </div>
  );
}
