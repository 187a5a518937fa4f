import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  AttachmentLimits,
  HistoryLimits,
  IsAttachmentIds,
  IsClientMsgId,
  IsMessageContent,
  IsWellFormedText,
  Limits,
  MaxCodePoints,
} from '@app/contracts';

const IsoTime = () => IsISO8601({ strict: true, strictSeparator: true });

export class ListMessagesQuery {
  @ApiPropertyOptional({ description: 'Messages with seq below this (older)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  beforeSeq?: number;

  @ApiPropertyOptional({
    description:
      'Messages with seq above this (newer): resync from the last seq seen. With from/to: continue the window after this seq',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterSeq?: number;

  @ApiPropertyOptional({
    description: 'The page centred on this message (jump to a message with context before and after)',
  })
  @IsOptional()
  @IsUUID('all')
  aroundId?: string;

  @ApiPropertyOptional({
    description:
      'Date window start (ISO 8601, inclusive); give with `to`. The client pages 3-day windows on demand',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsoTime()
  from?: string;

  @ApiPropertyOptional({
    description: 'Date window end (ISO 8601, exclusive)',
    example: '2026-01-04T00:00:00Z',
  })
  @IsOptional()
  @IsoTime()
  to?: string;

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
  @IsClientMsgId()
  clientMsgId: string;

  @ApiPropertyOptional({
    enum: ['text', 'image'],
    default: 'text',
    description: 'image: attachmentIds name images uploaded with POST /rooms/:roomId/attachments',
  })
  @IsOptional()
  @IsIn(['text', 'image'])
  kind?: 'text' | 'image';

  @ApiProperty({
    example: '안녕하세요 👋',
    maxLength: Limits.MESSAGE_MAX_CHARS,
    description: "The text, or an image's caption ('' allowed for an image only)",
  })
  @IsMessageContent({ allowEmpty: true })
  content: string;

  @ApiPropertyOptional({ description: 'Answer this message (it must be in the same room)' })
  @IsOptional()
  @IsUUID('all')
  replyToId?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: AttachmentLimits.PER_MESSAGE_MAX,
    description:
      'kind image: 1-10 of your uploads to this room not sent yet (room.attachment_not_found / room.attachment_in_use otherwise)',
  })
  @IsOptional()
  @IsAttachmentIds()
  attachmentIds?: string[];
}

export class EditMessageDto {
  @ApiProperty({ example: 'fixed the typo', maxLength: Limits.MESSAGE_MAX_CHARS })
  @IsMessageContent()
  content: string;
}

export class SearchMessagesQuery {
  @ApiProperty({
    description: `Text to find (case-insensitive, literal: no wildcards or regular expressions), 1-${HistoryLimits.SEARCH_QUERY_MAX_CHARS} characters`,
    example: '회의',
  })
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'q must not be blank' })
  @MaxCodePoints(HistoryLimits.SEARCH_QUERY_MAX_CHARS)
  q: string;

  @ApiPropertyOptional({ default: HistoryLimits.SEARCH_PAGE_DEFAULT, maximum: HistoryLimits.SEARCH_PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(HistoryLimits.SEARCH_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: "The previous page's nextBeforeId" })
  @IsOptional()
  @IsUUID('all')
  beforeId?: string;
}

export class ReplayQuery {
  @ApiProperty({ description: 'Start (ISO 8601, inclusive)', example: '2026-01-01T10:00:00Z' })
  @IsoTime()
  from: string;

  @ApiProperty({ description: 'End (ISO 8601, exclusive)', example: '2026-01-01T11:00:00Z' })
  @IsoTime()
  to: string;

  @ApiPropertyOptional({ description: 'Continue after this seq (the last one of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterSeq?: number;

  @ApiPropertyOptional({ default: HistoryLimits.RANGE_PAGE_DEFAULT, maximum: HistoryLimits.RANGE_PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(HistoryLimits.RANGE_PAGE_MAX)
  limit?: number;
}

export class RetentionDto {
  @ApiProperty({
    description:
      'Whole days to keep messages; 0 keeps them forever; null falls back to the server-wide policy',
    nullable: true,
    example: 30,
  })
  @ValidateIf((o: RetentionDto) => o.days !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsInt()
  @Min(0)
  @Max(HistoryLimits.RETENTION_DAYS_MAX)
  days: number | null;
}
