import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  HISTORY_VISIBILITIES,
  type HistoryVisibility,
  type InviteLinkView,
  INVITE_TOKEN_MAX,
  IsWellFormedText,
  Limits,
  MaxCodePoints,
  SLOW_MODE_MAX_SECONDS,
} from '@app/contracts';

export class JoinRoomDto {
  @ApiPropertyOptional({
    description:
      'Token of an invite link (group rooms). Not needed with a pending invite, nor for topic rooms.',
    maxLength: INVITE_TOKEN_MAX,
  })
  @IsOptional()
  @IsString()
  @Length(1, INVITE_TOKEN_MAX)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'inviteToken must be base64url' })
  inviteToken?: string;

  @ApiPropertyOptional({
    description: 'Topic rooms: a name shown in this room instead of your own',
    maxLength: Limits.DISPLAY_NAME_MAX,
  })
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'alias must not be blank' })
  @MaxCodePoints(Limits.DISPLAY_NAME_MAX)
  alias?: string;
}

export class RenameRoomDto {
  @ApiProperty({ example: '새 이름', maxLength: Limits.ROOM_NAME_MAX })
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxCodePoints(Limits.ROOM_NAME_MAX)
  name: string;
}

export class RoomSettingsDto {
  @ApiPropertyOptional({
    description: 'Seconds between two messages of one member; 0 turns it off',
    maximum: SLOW_MODE_MAX_SECONDS,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(SLOW_MODE_MAX_SECONDS)
  slowModeSeconds?: number;

  @ApiPropertyOptional({ description: 'Mask profanity in this room' })
  @IsOptional()
  @IsBoolean()
  profanityFilter?: boolean;

  @ApiPropertyOptional({
    enum: HISTORY_VISIBILITIES,
    description:
      'shared: members read the whole history; joined: members read only what was said since they last joined',
  })
  @IsOptional()
  @IsIn(HISTORY_VISIBILITIES)
  historyVisibility?: HistoryVisibility;
}

export class InviteUserDto {
  @ApiProperty({ format: 'uuid', description: 'The user to invite' })
  @IsUUID('all')
  userId: string;
}

export class CreateInviteLinkDto {
  @ApiPropertyOptional({
    description: 'Lifetime in seconds (default 7 days)',
    minimum: 60,
    maximum: 30 * 24 * 3600,
  })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  expiresInSeconds?: number;

  @ApiPropertyOptional({
    description: 'How many joins it admits (default: unlimited until it expires)',
    minimum: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  maxUses?: number;
}

export class InviteLinksQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Also list links that are used up (uses = maxUses); default false',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeUsedUp?: 'true' | 'false';
}

export class InviteLinkDto implements InviteLinkView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) roomId: string;
  @ApiPropertyOptional({
    description: 'Only in the answer that created the link: it is stored hashed and never listed',
  })
  token?: string;
  @ApiProperty({ format: 'uuid', description: 'The owner or admin who made it' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiPropertyOptional({ description: 'Absent: unlimited until it expires' }) maxUses?: number;
  @ApiProperty({ description: 'Joins it has admitted' }) uses: number;
}

export class InviteLinkListDto {
  @ApiProperty({ type: [InviteLinkDto], description: 'Newest first, without tokens' })
  links: InviteLinkDto[];
}

export class MemberRoleDto {
  @ApiProperty({ enum: ['admin', 'member'] })
  @IsIn(['admin', 'member'])
  role: 'admin' | 'member';
}

export class TransferOwnershipDto {
  @ApiProperty({ format: 'uuid', description: 'The member who becomes the owner' })
  @IsUUID('all')
  userId: string;
}
