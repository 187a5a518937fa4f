import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import {
  AuthLimits,
  IsWellFormedText,
  Limits,
  MaxCodePoints,
  SessionListView,
  SessionView,
  UserRole,
} from '@app/contracts';

export class MeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ['user', 'admin', 'guest', 'bot'] }) role: UserRole;
  @ApiProperty({ format: 'uuid', description: 'The session this token belongs to' }) sessionId: string;
  @ApiProperty() statusText: string;
  @ApiProperty() hasAvatar: boolean;
}

export class UpdateProfileDto {
  @ApiPropertyOptional({ example: '민수 🐻', maxLength: Limits.DISPLAY_NAME_MAX })
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @Length(1, 200)
  displayName?: string;

  @ApiPropertyOptional({
    example: '회의 중 📅',
    maxLength: AuthLimits.STATUS_TEXT_MAX,
    description: 'Empty clears it',
  })
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @MaxCodePoints(AuthLimits.STATUS_TEXT_MAX)
  statusText?: string;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @Length(1, Limits.PASSWORD_MAX) currentPassword: string;

  @ApiProperty({ minLength: Limits.PASSWORD_MIN, maxLength: Limits.PASSWORD_MAX })
  @IsString()
  @Length(1, Limits.PASSWORD_MAX)
  newPassword: string;
}

export class SessionDto implements SessionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0 (iPhone…)' }) userAgent: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', description: 'Last use, to the minute' }) lastSeenAt: string;
  @ApiProperty({ description: 'The session of the token that asked' }) current: boolean;
}

export class SessionListDto implements SessionListView {
  @ApiProperty({ type: [SessionDto] }) sessions: SessionDto[];
}
