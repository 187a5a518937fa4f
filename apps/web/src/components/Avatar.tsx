import { useState, type CSSProperties } from 'react';
import { avatarUrl } from '../api/endpoints';
import { hueOf, initials } from '../lib/format';
import { useHasNoAvatar } from '../state/avatars';

interface Props {
  id: string;
  name: string;
  size?: 'xs' | 'sm' | 'md' | 'lg' | 'xl';
  square?: boolean;
  /** Try the user's uploaded picture (falls back to the initial when there is none). */
  photo?: boolean;
  /** Changes when the picture does. */
  version?: number | string;
  /** An explicit image (a room image, a local preview). */
  src?: string;
}

/** Users known to have no picture this page load: asked once, not on every render. */
const noPhoto = new Set<string>();

/** A picture when there is one, else a coloured initial; the colour is stable per id. */
export function Avatar({ id, name, size = 'md', square = false, photo = false, version, src }: Props) {
  // A member list said there is none: do not ask (the request would only be a 404).
  const none = useHasNoAvatar(id);
  const url = src ?? (photo && !none ? avatarUrl(id, version) : undefined);
  const [failed, setFailed] = useState(false);
  const showImage = url && !failed && !(photo && !src && noPhoto.has(`${id}:${version ?? ''}`));
  return (
    <span
      className={`avatar avatar-${size}${square ? ' avatar-square' : ''}`}
      style={{ '--hue': hueOf(id) } as CSSProperties}
      aria-hidden="true"
    >
      {/* The initial stays underneath: it shows while the picture loads, and if there is none. */}
      {initials(name)}
      {showImage && (
        <img
          src={url}
          alt=""
          loading="lazy"
          onError={() => {
            if (photo && !src) noPhoto.add(`${id}:${version ?? ''}`);
            setFailed(true);
          }}
        />
      )}
    </span>
  );
}
