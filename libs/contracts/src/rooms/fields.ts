import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Limits } from '../limits';
import { IsWellFormedText, MaxCodePoints } from '../validators';
import type { UserRole } from '../views';

/** Property decorators shared by the room, friend, topic and moderation commands. */

function applyDecorators(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((d) => d(target, key));
}

/** The actor's display name as the gateway read it from the token. */
export const ActorName = (): PropertyDecorator =>
  applyDecorators(IsString(), IsWellFormedText(), Length(1, Limits.DISPLAY_NAME_MAX * 4));

export const USER_ROLES: readonly UserRole[] = ['user', 'admin', 'guest', 'bot'];

/**
 * The actor's account role from the verified token. Absent means `user`: only the gateway fills
 * it, and it always does where the role matters (guests, site admins).
 */
export const ActorRole = (): PropertyDecorator => applyDecorators(IsOptional(), IsIn(USER_ROLES));

export const RoomNameField = (): PropertyDecorator =>
  applyDecorators(
    IsString(),
    IsWellFormedText(),
    Matches(/\S/, { message: 'name must not be blank' }),
    MaxCodePoints(Limits.ROOM_NAME_MAX),
  );

/** Free text a person writes (a reason, a note, a description), bounded. */
export const ShortText = (max: number): PropertyDecorator =>
  applyDecorators(
    IsString(),
    IsWellFormedText(),
    Matches(/\S/, { message: '$property must not be blank' }),
    MaxCodePoints(max),
  );
