import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { AuthResultView, IsWellFormedText, Limits, UserRole, UserView } from '@app/contracts';

export class RefreshDto {
  @ApiProperty({
    description: 'The refresh token from the last login, registration or refresh (each works once)',
  })
  @IsString()
  @Length(1, 256)
  refreshToken: string;
}

export class GuestUpgradeDto {
  @ApiPropertyOptional({
    example: '김민수',
    description: 'The username to take; without it the guest keeps its nickname',
  })
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @Length(1, 64)
  username?: string;

  @ApiProperty({ minLength: Limits.PASSWORD_MIN, maxLength: Limits.PASSWORD_MAX })
  @IsString()
  @Length(1, Limits.PASSWORD_MAX)
  password: string;

  @ApiPropertyOptional({ example: '민수' })
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @Length(1, 200)
  displayName?: string;
}

export class UserDto implements UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '김민수' }) username: string;
  @ApiProperty({ example: '민수 🐻' }) displayName: string;
  @ApiProperty({ enum: ['user', 'admin', 'guest', 'bot'] }) role: UserRole;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AuthResultDto implements AuthResultView {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ description: 'JWT (HS256) for `Authorization: Bearer` and the WebSocket subprotocol' })
  accessToken: string;
  @ApiProperty({ format: 'date-time', description: 'When the access token stops working' })
  expiresAt: string;
  @ApiPropertyOptional({ description: 'Opaque; trade it at POST /auth/refresh for a new pair. Works once.' })
  refreshToken?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  refreshExpiresAt?: string;
}

export class RevokedSessionsDto {
  @ApiProperty({ description: 'How many sessions this call revoked' }) revoked: number;
}
