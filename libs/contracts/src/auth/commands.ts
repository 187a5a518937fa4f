import { Equals, IsOptional, IsString, Length } from 'class-validator';
import { Limits } from '../limits';
import { IsWellFormedText } from '../validators';
import type { AuthResultView } from '../views';

/** Commands the auth service handles (queue `happychat.auth.commands`). */
export const AuthCommands = {
  AUTH_REGISTER: 'auth.register',
  AUTH_LOGIN: 'auth.login',
} as const;
const C = AuthCommands;

export class RegisterCommand {
  static readonly TYPE = C.AUTH_REGISTER;
  @Equals(C.AUTH_REGISTER) type: typeof C.AUTH_REGISTER;
  @Equals(1) v: 1;
  @IsString() @IsWellFormedText() @Length(1, 64) username: string;
  @IsString() @Length(1, Limits.PASSWORD_MAX) password: string;
  @IsOptional() @IsString() @IsWellFormedText() @Length(1, 200) displayName?: string;
  @IsOptional() @IsString() @Length(0, 512) userAgent?: string;
}

export class LoginCommand {
  static readonly TYPE = C.AUTH_LOGIN;
  @Equals(C.AUTH_LOGIN) type: typeof C.AUTH_LOGIN;
  @Equals(1) v: 1;
  @IsString() @Length(1, 64) username: string;
  @IsString() @Length(1, Limits.PASSWORD_MAX) password: string;
  @IsOptional() @IsString() @Length(0, 512) userAgent?: string;
}

export interface AuthCommandResults {
  [C.AUTH_REGISTER]: AuthResultView;
  [C.AUTH_LOGIN]: AuthResultView;
}

export const AuthCommandClasses = {
  [C.AUTH_REGISTER]: RegisterCommand,
  [C.AUTH_LOGIN]: LoginCommand,
} as const;
