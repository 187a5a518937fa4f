import { Injectable } from '@nestjs/common';
import { ClientConnection } from './client-connection';

/**
 * Who is connected to this gateway and which rooms they are in. Room membership here is a
 * cache kept by the membership events that arrive on the gateway's queue, in order with the
 * room messages; the room service remains the authority.
 */
@Injectable()
export class LocalDirectory {
  private readonly sockets = new Map<string, Set<ClientConnection>>();
  private readonly roomsOfUser = new Map<string, Set<string>>();
  private readonly usersOfRoom = new Map<string, Set<string>>();
  /** Rooms that hide history from before one joined: per local member, from when (ms) they may read. */
  private readonly visibleFromIn = new Map<string, Map<string, number>>();

  /** Returns true when this is the user's first connection here. */
  addConnection(conn: ClientConnection): boolean {
    let set = this.sockets.get(conn.userId);
    const first = !set;
    if (!set) this.sockets.set(conn.userId, (set = new Set()));
    set.add(conn);
    return first;
  }

  /** Returns true when it was the user's last connection here. */
  removeConnection(conn: ClientConnection): boolean {
    const set = this.sockets.get(conn.userId);
    if (!set || !set.delete(conn)) return false;
    if (set.size > 0) return false;
    this.sockets.delete(conn.userId);
    return true;
  }

  hasUser(userId: string): boolean {
    return this.sockets.has(userId);
  }

  connectionsOf(userId: string): Iterable<ClientConnection> {
    return this.sockets.get(userId) ?? [];
  }

  allConnections(): ClientConnection[] {
    return [...this.sockets.values()].flatMap((s) => [...s]);
  }

  users(): string[] {
    return [...this.sockets.keys()];
  }

  get connectionCount(): number {
    let n = 0;
    for (const s of this.sockets.values()) n += s.size;
    return n;
  }

  addMembership(userId: string, roomId: string): void {
    let rooms = this.roomsOfUser.get(userId);
    if (!rooms) this.roomsOfUser.set(userId, (rooms = new Set()));
    rooms.add(roomId);
    let users = this.usersOfRoom.get(roomId);
    if (!users) this.usersOfRoom.set(roomId, (users = new Set()));
    users.add(userId);
  }

  removeMembership(userId: string, roomId: string): void {
    this.setVisibleFrom(userId, roomId, undefined);
    this.roomsOfUser.get(userId)?.delete(roomId);
    const users = this.usersOfRoom.get(roomId);
    if (users) {
      users.delete(userId);
      if (users.size === 0) this.usersOfRoom.delete(roomId);
    }
  }

  /** Returns the rooms they were in. */
  forgetUser(userId: string): string[] {
    const rooms = [...(this.roomsOfUser.get(userId) ?? [])];
    for (const roomId of rooms) this.removeMembership(userId, roomId);
    this.roomsOfUser.delete(userId);
    return rooms;
  }

  /** Every membership learnt, as after a restart: each user's list is loaded again on attach. */
  forgetAllMemberships(): void {
    this.roomsOfUser.clear();
    this.usersOfRoom.clear();
    this.visibleFromIn.clear();
  }

  isMember(userId: string, roomId: string): boolean {
    return this.roomsOfUser.get(userId)?.has(roomId) ?? false;
  }

  membersHere(roomId: string): Iterable<string> {
    return this.usersOfRoom.get(roomId) ?? [];
  }

  hasMembersHere(roomId: string): boolean {
    return this.usersOfRoom.has(roomId);
  }

  /** undefined: the user reads the whole room. */
  setVisibleFrom(userId: string, roomId: string, from: number | undefined): void {
    let users = this.visibleFromIn.get(roomId);
    if (from === undefined) {
      users?.delete(userId);
      if (users?.size === 0) this.visibleFromIn.delete(roomId);
      return;
    }
    if (!users) this.visibleFromIn.set(roomId, (users = new Map()));
    users.set(userId, from);
  }

  /** The local members of a room who read it only from some time on; undefined when there are none. */
  visibleFrom(roomId: string): ReadonlyMap<string, number> | undefined {
    return this.visibleFromIn.get(roomId);
  }

  /** The room now shows its whole history to everyone. */
  clearVisibleFrom(roomId: string): void {
    this.visibleFromIn.delete(roomId);
  }
}
