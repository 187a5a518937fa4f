/** UI text for integrations (bots) in room settings, joined into `en`/`ko` in strings.ts. */
export const integrationsEn = {
  'bots.title': 'Integrations',
  'bots.hint': 'Bots an administrator set up. A bot you add hears everything said here and may post.',
  'bots.none': 'No integrations are set up. An administrator creates them.',
  'bots.add': 'Add',
  'bots.remove': 'Remove',
  'bots.inRoom': 'In this room',
  'bots.added': '{name} was added',
  'bots.removed': '{name} was removed',
  'bots.badge': 'BOT',
};

export const integrationsKo: Record<keyof typeof integrationsEn, string> = {
  'bots.title': '연동 (봇)',
  'bots.hint': '관리자가 만든 봇이에요. 추가한 봇은 이 방의 모든 대화를 듣고 메시지를 보낼 수 있어요.',
  'bots.none': '만들어진 연동이 없어요. 관리자가 만들 수 있어요.',
  'bots.add': '추가',
  'bots.remove': '내보내기',
  'bots.inRoom': '이 방에 있음',
  'bots.added': '{name}을(를) 추가했어요',
  'bots.removed': '{name}을(를) 내보냈어요',
  'bots.badge': '봇',
};
