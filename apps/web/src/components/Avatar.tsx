import type { CSSProperties } from 'react';
import { hueOf, initials } from '../lib/format';

interface Props {
  id: string;
  name: string;
  size?: 'sm' | 'md' | 'lg';
  square?: boolean;
}

/** A coloured initial; the colour is stable per id. */
export function Avatar({ id, name, size = 'md', square = false }: Props) {
  return (
    <span
      className={`avatar avatar-${size}${square ? ' avatar-square' : ''}`}
      style={{ '--hue': hueOf(id) } as CSSProperties}
      aria-hidden="true"
    >
      {initials(name)}
    </span>
  );
}
