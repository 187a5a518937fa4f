import { IsUUID, type ValidationOptions } from 'class-validator';

/** Our ids are UUIDv7 (time-sortable); any RFC 4122 version is accepted so older ids stay valid. */
export const IsId = (options?: ValidationOptions) => IsUUID('all', options);
