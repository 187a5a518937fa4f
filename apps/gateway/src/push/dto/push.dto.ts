import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsObject, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { PushLimits } from '@app/contracts';

export class PushConfigDto {
  @ApiProperty({ description: 'False when the server has no VAPID keys: clients hide the option' })
  enabled: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'VAPID public key (base64url): the applicationServerKey for pushManager.subscribe',
  })
  publicKey: string | null;
}

export class PushKeysDto {
  @ApiProperty({ description: "base64url, the subscription's P-256 public key (65 bytes)" })
  @IsString()
  @Length(1, 128)
  p256dh: string;

  @ApiProperty({ description: 'base64url, the 16-byte auth secret' })
  @IsString()
  @Length(1, 64)
  auth: string;
}

/** A browser PushSubscription as its toJSON() gives it. */
export class PushSubscriptionDto {
  @ApiProperty({
    example: 'https://fcm.googleapis.com/fcm/send/…',
    maxLength: PushLimits.ENDPOINT_MAX,
    description: 'The push service URL (https)',
  })
  @IsString()
  @MaxLength(PushLimits.ENDPOINT_MAX)
  endpoint: string;

  @ApiProperty({ type: PushKeysDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PushKeysDto)
  keys: PushKeysDto;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Ignored (browsers send null)' })
  @IsOptional()
  @IsNumber()
  expirationTime?: number | null;
}

export class PushUnsubscribedDto {
  @ApiProperty({ description: 'Whether this session had a subscription' }) removed: boolean;
}
