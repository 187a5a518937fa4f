import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import {
  IsWellFormedText,
  Limits,
  MaxCodePoints,
  TOPIC_DESCRIPTION_MAX,
  TOPIC_MEMBER_CAP_MAX,
  TOPIC_REJECT_REASON_MAX,
  TopicProposalStatus,
} from '@app/contracts';

export class TopicDirectoryQuery {
  @ApiPropertyOptional({ description: 'Part of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(Limits.ROOM_NAME_MAX)
  query?: string;

  @ApiPropertyOptional({ default: Limits.PAGE_DEFAULT, maximum: Limits.PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Limits.PAGE_MAX)
  limit?: number;
}

export class ProposeTopicDto {
  @ApiProperty({ example: '주말 등산', maxLength: Limits.ROOM_NAME_MAX })
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxCodePoints(Limits.ROOM_NAME_MAX)
  name: string;

  @ApiPropertyOptional({ maxLength: TOPIC_DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'description must not be blank' })
  @MaxCodePoints(TOPIC_DESCRIPTION_MAX)
  description?: string;
}

export class CreateTopicDto extends ProposeTopicDto {
  @ApiPropertyOptional({
    description: 'Default TOPIC_ROOM_MEMBER_CAP (20)',
    minimum: 2,
    maximum: TOPIC_MEMBER_CAP_MAX,
  })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(TOPIC_MEMBER_CAP_MAX)
  memberCap?: number;
}

export class ProposalsQuery {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'] })
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected'])
  status?: TopicProposalStatus;
}

export class RejectTopicDto {
  @ApiProperty({ maxLength: TOPIC_REJECT_REASON_MAX, example: 'We already have a room for this' })
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxCodePoints(TOPIC_REJECT_REASON_MAX)
  reason: string;
}
