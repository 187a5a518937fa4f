import { useMemo, type CSSProperties } from 'react';
import { useApp } from '../state/app';
import type { ActiveEffect } from '../state/types';

/** Short special-word animations over the conversation: CSS only, never in the way of a click. */
export function EffectsOverlay() {
  const effects = useApp((s) => s.effects);
  if (!effects.length) return null;
  return (
    <div className="effects-overlay" aria-hidden="true" data-testid="effects-overlay">
      {effects.map((e) => (
        <Effect key={e.id} effect={e} />
      ))}
    </div>
  );
}

/** A small deterministic random sequence, so a re-render does not reshuffle the particles. */
function seeded(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return () => {
    h = Math.imul(h ^ (h >>> 15), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return ((h ^= h >>> 16) >>> 0) / 4294967296;
  };
}

const COLORS = ['#f43f5e', '#f59e0b', '#10b981', '#3b82f6', '#8b5cf6', '#ec4899', '#facc15'];

function Effect({ effect }: { effect: ActiveEffect }) {
  const particles = useMemo(() => {
    const rnd = seeded(effect.id);
    const count = effect.kind === 'fireworks' ? 36 : effect.kind === 'confetti' ? 60 : 18;
    return Array.from({ length: count }, (_, i) => {
      const angle = (i / count) * Math.PI * 2;
      return {
        x: rnd() * 100,
        delay: rnd() * (effect.kind === 'fireworks' ? 0.6 : 0.8),
        duration: 1.4 + rnd() * 1.0,
        drift: (rnd() - 0.5) * 30,
        spin: (rnd() - 0.5) * 720,
        color: COLORS[Math.floor(rnd() * COLORS.length)],
        dx: Math.cos(angle) * (80 + rnd() * 80),
        dy: Math.sin(angle) * (80 + rnd() * 80),
        burst: i % 3,
        size: 0.8 + rnd() * 0.8,
      };
    });
  }, [effect.id, effect.kind]);

  return (
    <div className={`effect effect-${effect.kind}`} data-effect={effect.kind}>
      {particles.map((p, i) => {
        const style = {
          '--x': `${p.x}%`,
          '--delay': `${p.delay}s`,
          '--duration': `${p.duration}s`,
          '--drift': `${p.drift}vw`,
          '--spin': `${p.spin}deg`,
          '--color': p.color,
          '--dx': `${p.dx}px`,
          '--dy': `${p.dy}px`,
          '--size': p.size,
          '--burst-x': `${25 + p.burst * 25}%`,
        } as CSSProperties;
        return (
          <span key={i} className="particle" style={style}>
            {effect.kind === 'hearts' ? '❤️' : effect.kind === 'balloons' ? '🎈' : ''}
          </span>
        );
      })}
    </div>
  );
}
