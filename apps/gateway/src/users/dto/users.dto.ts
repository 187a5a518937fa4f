import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  AuthLimits,
  IsWellFormedText,
  MaxCodePoints,
  ProfileView,
  UserRole,
  UserSearchView,
} from '@app/contracts';

export class ProfileDto implements ProfileView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '김민수' }) username: string;
  @ApiProperty({ example: '민수 🐻' }) displayName: string;
  @ApiProperty({ example: '회의 중', maxLength: AuthLimits.STATUS_TEXT_MAX }) statusText: string;
  @ApiProperty({ description: 'Whether GET /users/{id}/avatar has an image' }) hasAvatar: boolean;
  @ApiProperty({ enum: ['user', 'admin', 'guest', 'bot'] }) role: UserRole;
}

export class UserSearchDto implements UserSearchView {
  @ApiProperty({ type: [ProfileDto] }) users: ProfileDto[];
}

export class UsersSearchQuery {
  @ApiProperty({
    description:
      'Prefix of a username or display name; case-insensitive, fullwidth and halfwidth forms match',
    example: '김',
    maxLength: AuthLimits.SEARCH_QUERY_MAX,
  })
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'query must not be blank' })
  @MaxCodePoints(AuthLimits.SEARCH_QUERY_MAX)
  query: string;

  @ApiPropertyOptional({ default: AuthLimits.SEARCH_LIMIT_DEFAULT, maximum: AuthLimits.SEARCH_LIMIT_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AuthLimits.SEARCH_LIMIT_MAX)
  limit?: number;
}
