import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  AdminUserPageView,
  AdminUserView,
  AuthLimits,
  IsWellFormedText,
  MaxCodePoints,
  UserRole,
} from '@app/contracts';

export class AdminUsersQuery {
  @ApiPropertyOptional({ description: 'Username or display-name prefix' })
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @MaxCodePoints(AuthLimits.SEARCH_QUERY_MAX)
  query?: string;

  @ApiPropertyOptional({ default: AuthLimits.ADMIN_PAGE_DEFAULT, maximum: AuthLimits.ADMIN_PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AuthLimits.ADMIN_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  cursor?: string;
}

export class AdminUserDto implements AdminUserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ['user', 'admin', 'guest', 'bot'] }) role: UserRole;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty() statusText: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deactivatedAt: string | null;
}

export class AdminUserPageDto implements AdminUserPageView {
  @ApiProperty({ type: [AdminUserDto] }) users: AdminUserDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page' })
  nextCursor: string | null;
}
