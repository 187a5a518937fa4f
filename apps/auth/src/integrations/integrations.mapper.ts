import type { IntegrationSummaryView, IntegrationView } from '@app/contracts';
import type { IntegrationEntity } from './entities/integration.entity';

export function toIntegrationView(i: IntegrationEntity): IntegrationView {
  return {
    id: i.id,
    name: i.name,
    brokerUsername: i.brokerUsername,
    createdBy: i.createdBy,
    createdAt: i.createdAt.toISOString(),
    credentialsIssuedAt: i.credentialsIssuedAt.toISOString(),
    ...(i.revokedAt ? { revokedAt: i.revokedAt.toISOString() } : {}),
  };
}

export function toIntegrationSummaryView(i: IntegrationEntity): IntegrationSummaryView {
  return { id: i.id, name: i.name };
}
