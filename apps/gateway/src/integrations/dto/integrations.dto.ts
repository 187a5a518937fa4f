import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Length, Matches } from 'class-validator';
import {
  INTEGRATION_NAME_MAX,
  IntegrationCredentialsView,
  IntegrationDirectoryView,
  IntegrationListView,
  IntegrationSummaryView,
  IntegrationView,
  IsWellFormedText,
  MemberRole,
  MemberView,
} from '@app/contracts';

export class CreateIntegrationDto {
  @ApiProperty({
    description: 'Shown as the bot’s name in rooms',
    maxLength: INTEGRATION_NAME_MAX,
    example: 'Welcome bot',
  })
  @IsString()
  @IsWellFormedText()
  @Matches(/\S/, { message: 'name must not be blank' })
  @Length(1, INTEGRATION_NAME_MAX)
  name: string;
}

export class AddIntegrationToRoomDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  integrationId: string;
}

export class IntegrationDto implements IntegrationView {
  @ApiProperty({ format: 'uuid', description: 'Also the bot’s user id in rooms' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The RabbitMQ user it connects as' }) brokerUsername: string;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) credentialsIssuedAt: string;
  @ApiPropertyOptional({ format: 'date-time' }) revokedAt?: string;
}

export class IntegrationListDto implements IntegrationListView {
  @ApiProperty({ type: [IntegrationDto] }) integrations: IntegrationDto[];
}

class AmqpCredentialsDto {
  @ApiProperty({ description: 'amqp://user:password@host:port/vhost, ready to use' }) url: string;
  @ApiProperty() vhost: string;
  @ApiProperty() username: string;
  @ApiProperty({ description: 'Shown only in this answer: store it now' }) password: string;
  @ApiProperty({ example: 'happychat.integrations' }) exchange: string;
  @ApiProperty({ example: 'happychat.bot.<id>' }) queue: string;
}

export class IntegrationCredentialsDto implements IntegrationCredentialsView {
  @ApiProperty({ type: IntegrationDto }) integration: IntegrationDto;
  @ApiProperty({ type: AmqpCredentialsDto }) amqp: AmqpCredentialsDto;
}

export class IntegrationSummaryDto implements IntegrationSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class IntegrationDirectoryDto implements IntegrationDirectoryView {
  @ApiProperty({ type: [IntegrationSummaryDto] }) integrations: IntegrationSummaryDto[];
}

export class RoomMemberDto implements MemberView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'] }) role: MemberRole;
  @ApiProperty({ format: 'date-time' }) joinedAt: string;
  @ApiPropertyOptional({ description: 'Always true here: the member is an integration' }) bot?: boolean;
}
