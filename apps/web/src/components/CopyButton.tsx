import { useEffect, useState } from 'react';
import { copyText } from '../lib/clipboard';

interface Props {
  text: string;
  label: string;
  testId?: string;
}

export function CopyButton({ text, label, testId }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = window.setTimeout(() => setState('idle'), 1800);
    return () => window.clearTimeout(t);
  }, [state]);

  return (
    <button
      type="button"
      className="btn btn-ghost btn-xs"
      data-testid={testId}
      onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}
    >
      <span aria-live="polite">
        {state === 'copied' ? 'Copied!' : state === 'failed' ? 'Copy failed' : label}
      </span>
    </button>
  );
}
