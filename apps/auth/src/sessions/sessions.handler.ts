import { Injectable } from '@nestjs/common';
import {
  AuthResultView,
  Commands,
  LogoutCommand,
  RefreshCommand,
  RevokedSessionsView,
  SessionCheckCommand,
  SessionCheckView,
  SessionListView,
  SessionRevokeCommand,
  SessionsListCommand,
  SessionsRevokeOthersCommand,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { toAuthResultView, toSessionView } from './sessions.mapper';
import { SessionsService } from './sessions.service';

@Injectable()
export class SessionsHandler {
  constructor(private readonly sessions: SessionsService) {}

  @CommandHandler(Commands.AUTH_REFRESH)
  async refresh(command: RefreshCommand): Promise<AuthResultView> {
    return toAuthResultView(await this.sessions.refresh(command.refreshToken));
  }

  @CommandHandler(Commands.AUTH_LOGOUT)
  async logout(command: LogoutCommand): Promise<RevokedSessionsView> {
    return { revoked: await this.sessions.logout(command.actorId, command.sessionId) };
  }

  @CommandHandler(Commands.AUTH_SESSION_CHECK)
  check(command: SessionCheckCommand): Promise<SessionCheckView> {
    return this.sessions.check(command.sessionId);
  }

  @CommandHandler(Commands.AUTH_SESSIONS_LIST)
  async list(command: SessionsListCommand): Promise<SessionListView> {
    const sessions = await this.sessions.list(command.actorId);
    return { sessions: sessions.map((s) => toSessionView(s, command.sessionId)) };
  }

  @CommandHandler(Commands.AUTH_SESSION_REVOKE)
  async revoke(command: SessionRevokeCommand): Promise<RevokedSessionsView> {
    return { revoked: await this.sessions.revoke(command.actorId, command.targetSessionId) };
  }

  @CommandHandler(Commands.AUTH_SESSIONS_REVOKE_OTHERS)
  async revokeOthers(command: SessionsRevokeOthersCommand): Promise<RevokedSessionsView> {
    return { revoked: await this.sessions.revokeOthers(command.actorId, command.sessionId) };
  }
}
