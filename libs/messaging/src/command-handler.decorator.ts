import { SetMetadata } from '@nestjs/common';
import { CommandType } from '@app/contracts';

export const COMMAND_HANDLER = Symbol('happychat:command-handler');

/**
 * Marks a provider method as the handler of one command. The payload arrives validated against
 * the command's contract class; the return value is the reply. Throw AppException for a refusal.
 */
export const CommandHandler = (type: CommandType): MethodDecorator => SetMetadata(COMMAND_HANDLER, type);
