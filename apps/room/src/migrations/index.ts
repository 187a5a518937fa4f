import { Attachments1732700000500 } from './1732700000500-Attachments';
import { HistoryVisibility1732700000000 } from './1732700000000-HistoryVisibility';
import { Init1732380000000 } from './1732380000000-Init';
import { MembershipBot1765000000100 } from './1765000000100-MembershipBot';
import { Presence1732500000100 } from './1732500000100-Presence';
import { PresenceGatewayLeases1765000000500 } from './1765000000500-PresenceGatewayLeases';
import { MembershipBotRoomIndex1765000000600 } from './1765000000600-MembershipBotRoomIndex';
import { PushSubscriptions1732700000300 } from './1732700000300-PushSubscriptions';
import { ReadPositions1732500000000 } from './1732500000000-ReadPositions';
import { ReportEvidenceInviteLinksIndex1765000000400 } from './1765000000400-ReportEvidenceInviteLinksIndex';
import { ReportsSiteWide1765000000300 } from './1765000000300-ReportsSiteWide';
import { RoomsInFull1732600000000 } from './1732600000000-RoomsInFull';

/** In the order they run. */
export const ROOM_MIGRATIONS = [
  Init1732380000000,
  ReadPositions1732500000000,
  Presence1732500000100,
  RoomsInFull1732600000000,
  HistoryVisibility1732700000000,
  PushSubscriptions1732700000300,
  Attachments1732700000500,
  MembershipBot1765000000100,
  ReportsSiteWide1765000000300,
  ReportEvidenceInviteLinksIndex1765000000400,
  PresenceGatewayLeases1765000000500,
  MembershipBotRoomIndex1765000000600,
];
