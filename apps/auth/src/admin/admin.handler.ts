import { Injectable } from '@nestjs/common';
import {
  AdminUserDeactivateCommand,
  AdminUserPageView,
  AdminUserReactivateCommand,
  AdminUsersListCommand,
  AdminUserView,
  Commands,
} from '@app/contracts';
import { CommandHandler } from '@app/messaging';
import { AdminService } from './admin.service';

@Injectable()
export class AdminHandler {
  constructor(private readonly admin: AdminService) {}

  @CommandHandler(Commands.AUTH_ADMIN_USERS_LIST)
  list(command: AdminUsersListCommand): Promise<AdminUserPageView> {
    return this.admin.list(command.actorId, command);
  }

  @CommandHandler(Commands.AUTH_ADMIN_USER_DEACTIVATE)
  deactivate(command: AdminUserDeactivateCommand): Promise<AdminUserView> {
    return this.admin.deactivate(command.actorId, command.userId);
  }

  @CommandHandler(Commands.AUTH_ADMIN_USER_REACTIVATE)
  reactivate(command: AdminUserReactivateCommand): Promise<AdminUserView> {
    return this.admin.reactivate(command.actorId, command.userId);
  }
}
