/** Reactions one tap away. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🎉', '🔥'] as const;

/** The composer's small emoticon picker, by mood. */
export const EMOTICONS: ReadonlyArray<{ label: 'smileys' | 'love' | 'party' | 'hands'; items: string[] }> = [
  {
    label: 'smileys',
    items: ['😀', '😄', '😊', '😉', '😍', '🥰', '😎', '🤔', '😅', '😂', '🥲', '😭', '😡', '😴', '🤗', '😇'],
  },
  { label: 'love', items: ['❤️', '🧡', '💛', '💚', '💙', '💜', '💕', '💖', '😘', '🫶', '💐', '🌹'] },
  { label: 'party', items: ['🎉', '🎊', '🎈', '🎂', '🥳', '🎁', '✨', '🎆', '🍾', '🥂', '🍰', '🌟'] },
  { label: 'hands', items: ['👍', '👎', '👏', '🙌', '🙏', '👋', '🤝', '✌️', '👌', '💪', '🫡', '🤞'] },
];
