import { Injectable } from '@nestjs/common';
import {
  Commands,
  CreateRoomCommand,
  GetRoomCommand,
  JoinRoomCommand,
  ListMembershipsCommand,
  ListRoomsCommand,
  RoomDetailView,
  RoomView,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { toRoomDetailView, toRoomView } from './rooms.mapper';
import { RoomsService } from './rooms.service';

/**
 * Room commands. Unknown room → `room.not_found`; a room that exists but the actor is not in →
 * `room.not_member`, here and for message operations alike. Telling the two apart leaks nothing
 * today: a group room is joinable by anyone holding its id. Rooms that must stay hidden (invite
 * only) should answer `room.not_found` to non-members.
 */
@Injectable()
export class RoomsHandler {
  constructor(private readonly rooms: RoomsService) {}

  @CommandHandler(Commands.ROOM_CREATE)
  async create(cmd: CreateRoomCommand): Promise<RoomView> {
    const { room, membership } = await this.rooms.create(cmd);
    return toRoomView(room, membership.role);
  }

  /** Idempotent: joining a room one is already in answers the room and announces nothing. */
  @CommandHandler(Commands.ROOM_JOIN)
  async join(cmd: JoinRoomCommand): Promise<RoomView> {
    const { room, membership } = await this.rooms.join(cmd);
    return toRoomView(room, membership.role);
  }

  @CommandHandler(Commands.ROOM_GET)
  async get(cmd: GetRoomCommand): Promise<RoomDetailView> {
    const { room, membership, members } = await this.rooms.get(cmd.actorId, cmd.roomId);
    return toRoomDetailView(room, members, membership.role);
  }

  @CommandHandler(Commands.ROOM_LIST)
  async list(cmd: ListRoomsCommand): Promise<{ rooms: RoomView[] }> {
    const rooms = await this.rooms.listForUser(cmd.actorId);
    return { rooms: rooms.map(({ room, membership }) => toRoomView(room, membership.role)) };
  }

  @CommandHandler(Commands.ROOM_MEMBERSHIPS_LIST)
  async memberships(cmd: ListMembershipsCommand): Promise<{ roomIds: string[] }> {
    return { roomIds: await this.rooms.listRoomIds(cmd.userId) };
  }
}
