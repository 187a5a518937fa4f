import { ROOM_IMAGE_MAX_BYTES, RoomErrorCode, RoomImageView } from '@app/contracts';
import { AppException } from '@app/common';

type ImageType = RoomImageView['contentType'];

/** What the bytes are, by their signature; the name or a claimed type counts for nothing. */
export function sniffImageType(bytes: Buffer): ImageType | null {
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

/** Decode and check an uploaded room image: PNG, JPEG or WebP, at most ROOM_IMAGE_MAX_BYTES. */
export function readRoomImage(base64: string): { bytes: Buffer; contentType: ImageType } {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > ROOM_IMAGE_MAX_BYTES) {
    throw new AppException(
      RoomErrorCode.IMAGE_TOO_LARGE,
      `Room image must be at most ${ROOM_IMAGE_MAX_BYTES / 1024} KiB`,
    );
  }
  const contentType = sniffImageType(bytes);
  if (!contentType)
    throw new AppException(RoomErrorCode.INVALID_IMAGE, 'Room image must be a PNG, JPEG or WebP image');
  return { bytes, contentType };
}
