import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsWellFormedText, Limits } from '@app/contracts';

export class RegisterDto {
  @ApiProperty({
    example: '김민수',
    description: 'Letters and digits of any script, _ . -; 2-32 characters; unique ignoring case',
  })
  @IsString()
  @IsWellFormedText()
  @Length(1, 64)
  username: string;

  @ApiProperty({ minLength: Limits.PASSWORD_MIN, maxLength: Limits.PASSWORD_MAX })
  @IsString()
  @Length(1, Limits.PASSWORD_MAX)
  password: string;

  @ApiPropertyOptional({ example: '민수', description: 'Shown to others; defaults to the username' })
  @IsOptional()
  @IsString()
  @IsWellFormedText()
  @Length(1, 200)
  displayName?: string;
}

export class LoginDto {
  @ApiProperty() @IsString() @Length(1, 64) username: string;
  @ApiProperty() @IsString() @Length(1, Limits.PASSWORD_MAX) password: string;
}
