import { Injectable } from '@nestjs/common';
import {
  AuthResultView,
  Commands,
  GuestCreateCommand,
  GuestUpgradeCommand,
  LoginCommand,
  PasswordChangeCommand,
  RegisterCommand,
  RevokedSessionsView,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { toAuthResultView } from '../sessions/sessions.mapper';
import { AccountsService } from './accounts.service';

@Injectable()
export class AccountsHandler {
  constructor(private readonly accounts: AccountsService) {}

  @CommandHandler(Commands.AUTH_REGISTER)
  async register(command: RegisterCommand): Promise<AuthResultView> {
    return toAuthResultView(await this.accounts.register(command));
  }

  @CommandHandler(Commands.AUTH_LOGIN)
  async login(command: LoginCommand): Promise<AuthResultView> {
    return toAuthResultView(await this.accounts.login(command));
  }

  @CommandHandler(Commands.AUTH_GUEST_CREATE)
  async createGuest(command: GuestCreateCommand): Promise<AuthResultView> {
    return toAuthResultView(await this.accounts.createGuest(command));
  }

  @CommandHandler(Commands.AUTH_GUEST_UPGRADE)
  async upgradeGuest(command: GuestUpgradeCommand): Promise<AuthResultView> {
    return toAuthResultView(await this.accounts.upgradeGuest(command));
  }

  @CommandHandler(Commands.AUTH_PASSWORD_CHANGE)
  async changePassword(command: PasswordChangeCommand): Promise<RevokedSessionsView> {
    return { revoked: await this.accounts.changePassword(command) };
  }
}
