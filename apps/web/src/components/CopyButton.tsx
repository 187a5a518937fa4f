import { useEffect, useState } from 'react';
import { copyText } from '../lib/clipboard';
import { t } from '../lib/i18n';

interface Props {
  text: string;
  label: string;
  testId?: string;
}

export function CopyButton({ text, label, testId }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 1800);
    return () => window.clearTimeout(timer);
  }, [state]);

  return (
    <button
      type="button"
      className="btn btn-ghost btn-xs"
      data-testid={testId}
      onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}
    >
      <span aria-live="polite">
        {state === 'copied' ? t('common.copied') : state === 'failed' ? t('common.copyFailed') : label}
      </span>
    </button>
  );
}
