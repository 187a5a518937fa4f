import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import {
  HISTORY_VISIBILITIES,
  type HistoryVisibility,
  IsWellFormedText,
  Limits,
  MaxCodePoints,
} from '@app/contracts';

export class CreateRoomDto {
  @ApiProperty({ example: '행복한 채팅', maxLength: Limits.ROOM_NAME_MAX })
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxCodePoints(Limits.ROOM_NAME_MAX)
  name: string;

  @ApiPropertyOptional({
    enum: HISTORY_VISIBILITIES,
    default: 'shared',
    description:
      'shared: members read the whole history; joined: members read only what was said since they last joined',
  })
  @IsOptional()
  @IsIn(HISTORY_VISIBILITIES)
  historyVisibility?: HistoryVisibility;
}
