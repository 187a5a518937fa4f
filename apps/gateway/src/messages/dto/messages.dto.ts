import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsWellFormedText, Limits, MaxCodePoints } from '@app/contracts';

export class ListMessagesQuery {
  @ApiPropertyOptional({ description: 'Messages with seq below this (older)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  beforeSeq?: number;

  @ApiPropertyOptional({ description: 'Messages with seq above this (newer): resync from the last seq seen' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterSeq?: number;

  @ApiPropertyOptional({ default: Limits.PAGE_DEFAULT, maximum: Limits.PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Limits.PAGE_MAX)
  limit?: number;
}

export class SendMessageDto {
  @ApiProperty({ description: 'Chosen by the client; a retry with the same id stores nothing new' })
  @IsString()
  @Length(1, Limits.CLIENT_MSG_ID_MAX)
  @Matches(/^[\x21-\x7e]+$/, { message: 'clientMsgId must be printable ASCII' })
  clientMsgId: string;

  @ApiProperty({ example: '안녕하세요 👋', maxLength: Limits.MESSAGE_MAX_CHARS })
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'content must not be blank' })
  @MaxCodePoints(Limits.MESSAGE_MAX_CHARS)
  content: string;
}
