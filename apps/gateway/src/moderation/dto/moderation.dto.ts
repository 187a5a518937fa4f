import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import {
  IsWellFormedText,
  Limits,
  MaxCodePoints,
  MODERATION_REASON_MAX,
  MUTE_MAX_SECONDS,
  ReportResolution,
  ReportStatus,
  SiteReportPageView,
  SiteReportView,
} from '@app/contracts';

class WithReason {
  @ApiPropertyOptional({
    description: 'Shown to the room with the action and kept in the audit log',
    maxLength: MODERATION_REASON_MAX,
  })
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxCodePoints(MODERATION_REASON_MAX)
  reason?: string;
}

export class KickDto extends WithReason {}

export class BanDto extends WithReason {
  @ApiProperty({ format: 'uuid', description: 'A member (removed) or anyone (kept out)' })
  @IsUUID('all')
  userId: string;
}

export class MuteDto extends WithReason {
  @ApiProperty({ minimum: 1, maximum: MUTE_MAX_SECONDS, example: 600 })
  @IsInt()
  @Min(1)
  @Max(MUTE_MAX_SECONDS)
  durationSeconds: number;
}

export class ReportDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  messageId: string;

  @ApiProperty({ maxLength: MODERATION_REASON_MAX, example: 'spam' })
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxCodePoints(MODERATION_REASON_MAX)
  reason: string;
}

export class ResolveReportDto {
  @ApiProperty({ enum: ['dismissed', 'actioned'] })
  @IsIn(['dismissed', 'actioned'])
  resolution: ReportResolution;

  @ApiPropertyOptional({ maxLength: MODERATION_REASON_MAX })
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'note must not be blank' })
  @MaxCodePoints(MODERATION_REASON_MAX)
  note?: string;
}

export class ReportsQuery {
  @ApiPropertyOptional({ enum: ['open', 'resolved'] })
  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: ReportStatus;
}

export class SiteReportsQuery extends ReportsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsUUID('all')
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: Limits.PAGE_MAX, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Limits.PAGE_MAX)
  limit?: number;
}

export class SiteReportDto implements SiteReportView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) roomId: string;
  @ApiProperty() roomName: string;
  @ApiProperty({ format: 'uuid' }) messageId: string;
  @ApiProperty({ format: 'uuid' }) reporterId: string;
  @ApiProperty() reason: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Sender of the reported message, kept with the report',
  })
  messageSenderId?: string;
  @ApiPropertyOptional({ description: 'The reported text as it was when reported (first 1,000 characters)' })
  messageExcerpt?: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status: ReportStatus;
  @ApiPropertyOptional({ enum: ['dismissed', 'actioned'] }) resolution?: ReportResolution;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ format: 'uuid' }) resolvedBy?: string;
  @ApiPropertyOptional({ format: 'date-time' }) resolvedAt?: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SiteReportPageDto implements SiteReportPageView {
  @ApiProperty({ type: [SiteReportDto] }) reports: SiteReportDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next (older) page' })
  nextCursor: string | null;
}

export class AuditQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Entries older than this entry id' })
  @IsOptional()
  @IsUUID('all')
  before?: string;
}
