import type { MemberRole, MemberView, RoomDetailView, RoomView } from '@app/contracts';
import type { MembershipEntity } from './entities/membership.entity';
import type { RoomEntity } from './entities/room.entity';

export function toRoomView(room: RoomEntity, myRole?: MemberRole): RoomView {
  const view: RoomView = {
    id: room.id,
    kind: room.kind,
    name: room.name,
    ownerId: room.ownerId,
    memberCount: room.memberCount,
    createdAt: room.createdAt.toISOString(),
  };
  if (myRole) view.myRole = myRole;
  return view;
}

export function toMemberView(m: MembershipEntity): MemberView {
  return { userId: m.userId, displayName: m.displayName, role: m.role, joinedAt: m.joinedAt.toISOString() };
}

export function toRoomDetailView(
  room: RoomEntity,
  members: MembershipEntity[],
  myRole?: MemberRole,
): RoomDetailView {
  return { ...toRoomView(room, myRole), members: members.map(toMemberView) };
}
