import { Injectable } from '@nestjs/common';
import {
  Commands,
  CommandResults,
  CreateInviteLinkCommand,
  CreateRoomCommand,
  DeclineInviteCommand,
  GetRoomCommand,
  GetRoomImageCommand,
  InviteLinkView,
  InviteToRoomCommand,
  JoinRoomCommand,
  LeaveRoomCommand,
  ListInviteLinksCommand,
  ListInvitesCommand,
  ListMembershipsCommand,
  ListRoomsCommand,
  RemoveRoomImageCommand,
  RenameRoomCommand,
  RevokeInviteLinkCommand,
  RoomDetailView,
  RoomImageView,
  RoomView,
  SetMemberRoleCommand,
  SetRoomImageCommand,
  TransferOwnershipCommand,
  UpdateRoomSettingsCommand,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { toInviteLinkView, toInviteView, toRoomDetailView } from './rooms.mapper';
import { RoomsService } from './rooms.service';

/**
 * Room commands. Unknown room → `room.not_found`; a room that exists but the actor is not in →
 * `room.not_member`, here and for message operations alike. Room ids are unguessable and group
 * rooms are joined only by invite, so telling the two apart leaks nothing useful.
 */
@Injectable()
export class RoomsHandler {
  constructor(private readonly rooms: RoomsService) {}

  @CommandHandler(Commands.ROOM_CREATE)
  async create(cmd: CreateRoomCommand): Promise<RoomView> {
    const { room, membership } = await this.rooms.create(cmd);
    return this.rooms.view(room, membership.role);
  }

  /** Idempotent: joining a room one is already in answers the room and announces nothing. */
  @CommandHandler(Commands.ROOM_JOIN)
  async join(cmd: JoinRoomCommand): Promise<RoomView> {
    const { room, membership } = await this.rooms.join(cmd);
    return this.rooms.view(room, membership.role);
  }

  @CommandHandler(Commands.ROOM_GET)
  async get(cmd: GetRoomCommand): Promise<RoomDetailView> {
    return this.detail(cmd.actorId, cmd.roomId);
  }

  @CommandHandler(Commands.ROOM_LIST)
  async list(cmd: ListRoomsCommand): Promise<{ rooms: RoomView[] }> {
    const rooms = await this.rooms.listForUser(cmd.actorId);
    return { rooms: rooms.map(({ room, membership }) => this.rooms.view(room, membership.role)) };
  }

  @CommandHandler(Commands.ROOM_MEMBERSHIPS_LIST)
  async memberships(
    cmd: ListMembershipsCommand,
  ): Promise<CommandResults[typeof Commands.ROOM_MEMBERSHIPS_LIST]> {
    // Oldest join first (listForUser gives the newest first).
    const mine = (await this.rooms.listForUser(cmd.userId)).reverse();
    const hidden = mine.filter(({ room }) => room.historyVisibility === 'joined');
    return {
      roomIds: mine.map(({ room }) => room.id),
      ...(hidden.length > 0
        ? {
            visibleFrom: Object.fromEntries(
              hidden.map(({ room, membership }) => [room.id, membership.joinedAt.toISOString()]),
            ),
          }
        : {}),
    };
  }

  @CommandHandler(Commands.ROOM_RENAME)
  async rename(cmd: RenameRoomCommand): Promise<RoomView> {
    const { room, membership } = await this.rooms.rename(cmd.actorId, cmd.roomId, cmd.name);
    return this.rooms.view(room, membership.role);
  }

  @CommandHandler(Commands.ROOM_SETTINGS_UPDATE)
  async settings(cmd: UpdateRoomSettingsCommand): Promise<RoomView> {
    const { room, membership } = await this.rooms.updateSettings(cmd.actorId, cmd.roomId, {
      slowModeSeconds: cmd.slowModeSeconds,
      profanityFilter: cmd.profanityFilter,
      historyVisibility: cmd.historyVisibility,
    });
    return this.rooms.view(room, membership.role);
  }

  @CommandHandler(Commands.ROOM_IMAGE_SET)
  async setImage(cmd: SetRoomImageCommand): Promise<RoomView> {
    const { room, membership } = await this.rooms.setImage(cmd.actorId, cmd.roomId, cmd.data);
    return this.rooms.view(room, membership.role);
  }

  @CommandHandler(Commands.ROOM_IMAGE_REMOVE)
  async removeImage(cmd: RemoveRoomImageCommand): Promise<RoomView> {
    const { room, membership } = await this.rooms.removeImage(cmd.actorId, cmd.roomId);
    return this.rooms.view(room, membership.role);
  }

  @CommandHandler(Commands.ROOM_IMAGE_GET)
  getImage(cmd: GetRoomImageCommand): Promise<RoomImageView> {
    return this.rooms.getImage(cmd.roomId);
  }

  @CommandHandler(Commands.ROOM_INVITE)
  async invite(cmd: InviteToRoomCommand): Promise<CommandResults[typeof Commands.ROOM_INVITE]> {
    const invite = await this.rooms.invite(cmd.actorId, cmd.actorName, cmd.roomId, cmd.userId);
    return { roomId: invite.roomId, userId: invite.userId, createdAt: invite.createdAt.toISOString() };
  }

  @CommandHandler(Commands.ROOM_INVITE_DECLINE)
  async decline(cmd: DeclineInviteCommand): Promise<{ declined: true }> {
    await this.rooms.declineInvite(cmd.actorId, cmd.roomId);
    return { declined: true };
  }

  @CommandHandler(Commands.ROOM_INVITES_LIST)
  async invites(cmd: ListInvitesCommand): Promise<CommandResults[typeof Commands.ROOM_INVITES_LIST]> {
    const rows = await this.rooms.listInvites(cmd.actorId);
    return {
      invites: rows.map(({ invite, room }) => toInviteView(invite, room, this.rooms.defaultCap(room.kind))),
    };
  }

  @CommandHandler(Commands.ROOM_INVITE_LINK_CREATE)
  async createLink(cmd: CreateInviteLinkCommand): Promise<InviteLinkView> {
    const { link, token } = await this.rooms.createInviteLink(cmd.actorId, cmd.roomId, {
      expiresInSeconds: cmd.expiresInSeconds,
      maxUses: cmd.maxUses,
    });
    return toInviteLinkView(link, token);
  }

  @CommandHandler(Commands.ROOM_INVITE_LINK_REVOKE)
  async revokeLink(cmd: RevokeInviteLinkCommand): Promise<{ revoked: true }> {
    await this.rooms.revokeInviteLink(cmd.actorId, cmd.roomId, cmd.linkId);
    return { revoked: true };
  }

  /** Without tokens: only their hashes are stored. */
  @CommandHandler(Commands.ROOM_INVITE_LINKS_LIST)
  async listLinks(cmd: ListInviteLinksCommand): Promise<{ links: InviteLinkView[] }> {
    const links = await this.rooms.listInviteLinks(cmd.actorId, cmd.roomId, cmd.includeUsedUp ?? false);
    return { links: links.map((link) => toInviteLinkView(link)) };
  }

  @CommandHandler(Commands.ROOM_LEAVE)
  async leave(cmd: LeaveRoomCommand): Promise<{ left: true }> {
    await this.rooms.leave(cmd.actorId, cmd.roomId);
    return { left: true };
  }

  @CommandHandler(Commands.ROOM_MEMBER_ROLE_SET)
  async setRole(cmd: SetMemberRoleCommand): Promise<RoomDetailView> {
    await this.rooms.setRole(cmd.actorId, cmd.roomId, cmd.userId, cmd.role);
    return this.detail(cmd.actorId, cmd.roomId);
  }

  @CommandHandler(Commands.ROOM_OWNER_TRANSFER)
  async transfer(cmd: TransferOwnershipCommand): Promise<RoomDetailView> {
    await this.rooms.transferOwnership(cmd.actorId, cmd.roomId, cmd.userId);
    return this.detail(cmd.actorId, cmd.roomId);
  }

  private async detail(actorId: string, roomId: string): Promise<RoomDetailView> {
    const { room, membership, members } = await this.rooms.get(actorId, roomId);
    const withAvatar = await this.rooms.withAvatar(members.map((m) => m.userId));
    return toRoomDetailView(room, members, membership.role, this.rooms.defaultCap(room.kind), withAvatar);
  }
}
