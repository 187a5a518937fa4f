import { IsInt, Max, Min } from 'class-validator';
import { BaseConfig } from '@app/common';

export class RoomConfig extends BaseConfig {
  // Explicit types so the decorator metadata says Number even when compiled file by file
  // (ts-jest isolatedModules); turning env strings into numbers relies on it.
  @IsInt() @Min(0) @Max(65535) override HTTP_PORT: number = 3002;

  /** Members a room may hold; joins beyond it are refused with `room.full`. */
  @IsInt() @Min(2) @Max(100000) ROOM_MEMBER_CAP: number = 100;
}
