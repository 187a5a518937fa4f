/** UI text for notifications and web push, joined into `en`/`ko` in strings.ts. */
export const notifyEn = {
  'notify.title': 'Notifications',
  'notify.inPage': 'Notify me of new messages while Happy Chat is in the background',
  'notify.push': 'Also when Happy Chat is closed (push to this device)',
  'notify.hint': 'Your browser asks for permission when you turn this on.',
  'notify.pushHint': 'Push reaches this device while no Happy Chat window is open. Signing out turns it off.',
  'notify.pushOn': 'Push notifications are on for this device.',
  'notify.blocked': 'Notifications are blocked for this site. Allow them in the browser’s site settings.',
  'notify.unsupported': 'This browser cannot show notifications.',
  'notify.image': 'Sent a picture',
};

export const notifyKo: Record<keyof typeof notifyEn, string> = {
  'notify.title': '알림',
  'notify.inPage': 'Happy Chat이 백그라운드에 있을 때 새 메시지 알림 받기',
  'notify.push': 'Happy Chat을 닫았을 때도 받기 (이 기기로 푸시)',
  'notify.hint': '켜면 브라우저가 알림 권한을 물어봐요.',
  'notify.pushHint': '열린 Happy Chat 창이 없을 때 이 기기로 푸시가 와요. 로그아웃하면 꺼져요.',
  'notify.pushOn': '이 기기에서 푸시 알림을 켰어요.',
  'notify.blocked': '이 사이트의 알림이 차단되어 있어요. 브라우저의 사이트 설정에서 허용해 주세요.',
  'notify.unsupported': '이 브라우저는 알림을 보여줄 수 없어요.',
  'notify.image': '사진을 보냈어요',
};
