import { t } from '../lib/i18n';
import { useApp } from '../state/app';

/** Online (green), away (amber), offline (grey), with its meaning for screen readers. */
export function PresenceDot({ userId }: { userId: string }) {
  const status = useApp((s) => s.presence[userId]?.status ?? 'offline');
  const label = t(`presence.${status}`);
  return (
    <span
      className={`presence-dot presence-${status}`}
      data-testid="presence-dot"
      data-status={status}
      title={label}
    >
      <span className="sr-only">{label}</span>
    </span>
  );
}
