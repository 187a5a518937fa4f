import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { IsWellFormedText, Limits, MaxCodePoints } from '@app/contracts';

export class CreateRoomDto {
  @ApiProperty({ example: '행복한 채팅', maxLength: Limits.ROOM_NAME_MAX })
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxCodePoints(Limits.ROOM_NAME_MAX)
  name: string;
}
