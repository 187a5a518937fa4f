import { Injectable } from '@nestjs/common';
import { AuthResultView, Commands, LoginCommand, RegisterCommand } from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { toAuthResultView } from './accounts.mapper';
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
}
