import { Injectable } from '@nestjs/common';
import { AdminUserPageView, AdminUserView, AuthErrorCode, AuthLimits, CommonErrorCode } from '@app/contracts';
import { AppException } from '@app/common';
import { searchKey } from '../accounts/username';
import { SessionsService } from '../sessions/sessions.service';
import { toAdminUserView } from './admin.mapper';
import { AdminRepository } from './admin.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Admin operations. The actor's role is read from the database, never taken from the token. */
@Injectable()
export class AdminService {
  constructor(
    private readonly repository: AdminRepository,
    private readonly sessions: SessionsService,
  ) {}

  async list(
    actorId: string,
    input: { query?: string; limit?: number; cursor?: string },
  ): Promise<AdminUserPageView> {
    await this.requireAdmin(actorId);
    const limit = input.limit ?? AuthLimits.ADMIN_PAGE_DEFAULT;
    const prefixKey = input.query === undefined ? undefined : searchKey(input.query) || undefined;
    const users = await this.repository.list({
      prefixKey,
      afterId: decodeCursor(input.cursor),
      limit: limit + 1,
    });
    const page = users.slice(0, limit);
    return {
      users: page.map(toAdminUserView),
      nextCursor: users.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  async deactivate(actorId: string, userId: string): Promise<AdminUserView> {
    await this.requireAdmin(actorId);
    if (actorId === userId) {
      throw new AppException(AuthErrorCode.FORBIDDEN, 'You cannot deactivate your own account');
    }
    const result = await this.repository.deactivate(userId);
    if (!result) throw notFound();
    await this.sessions.announce(result.revoked, 'deactivated');
    return toAdminUserView(result.user);
  }

  async reactivate(actorId: string, userId: string): Promise<AdminUserView> {
    await this.requireAdmin(actorId);
    const user = await this.repository.reactivate(userId);
    if (!user) throw notFound();
    return toAdminUserView(user);
  }

  private async requireAdmin(actorId: string): Promise<void> {
    const actor = await this.repository.findById(actorId);
    if (!actor || actor.role !== 'admin' || actor.deactivatedAt) {
      throw new AppException(AuthErrorCode.FORBIDDEN, 'Only an administrator may do this');
    }
  }
}

function notFound(): AppException {
  return new AppException(AuthErrorCode.USER_NOT_FOUND, 'No such user');
}

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) {
    throw new AppException(CommonErrorCode.VALIDATION_FAILED, 'cursor is not one this API gave out', [
      { field: 'cursor', reason: 'not a cursor from a previous page' },
    ]);
  }
  return id;
}
