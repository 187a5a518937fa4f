import { Injectable } from '@nestjs/common';
import {
  Commands,
  IntegrationCreateCommand,
  IntegrationCredentialsRotateCommand,
  IntegrationCredentialsView,
  IntegrationDirectoryView,
  IntegrationGetCommand,
  IntegrationListView,
  IntegrationRevokeCommand,
  IntegrationsDirectoryCommand,
  IntegrationsListCommand,
  IntegrationSummaryView,
  IntegrationView,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { IntegrationsService } from './integrations.service';

@Injectable()
export class IntegrationsHandler {
  constructor(private readonly integrations: IntegrationsService) {}

  @CommandHandler(Commands.INTEGRATION_CREATE)
  create(cmd: IntegrationCreateCommand): Promise<IntegrationCredentialsView> {
    return this.integrations.create({ userId: cmd.actorId }, cmd.name);
  }

  @CommandHandler(Commands.INTEGRATIONS_LIST)
  list(cmd: IntegrationsListCommand): Promise<IntegrationListView> {
    return this.integrations.list({ userId: cmd.actorId });
  }

  @CommandHandler(Commands.INTEGRATIONS_DIRECTORY)
  directory(_cmd: IntegrationsDirectoryCommand): Promise<IntegrationDirectoryView> {
    return this.integrations.directory();
  }

  @CommandHandler(Commands.INTEGRATION_GET)
  get(cmd: IntegrationGetCommand): Promise<IntegrationSummaryView> {
    return this.integrations.get(cmd.integrationId);
  }

  @CommandHandler(Commands.INTEGRATION_CREDENTIALS_ROTATE)
  rotate(cmd: IntegrationCredentialsRotateCommand): Promise<IntegrationCredentialsView> {
    return this.integrations.rotate({ userId: cmd.actorId }, cmd.integrationId);
  }

  @CommandHandler(Commands.INTEGRATION_REVOKE)
  revoke(cmd: IntegrationRevokeCommand): Promise<IntegrationView> {
    return this.integrations.revoke({ userId: cmd.actorId }, cmd.integrationId);
  }
}
