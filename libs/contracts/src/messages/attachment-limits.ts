/** Plain constants (no decorators), so the web client can import them without class-validator. */

/** Image types an attachment may be, recognised by their bytes (never by a name or a claimed type). */
export const ATTACHMENT_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type AttachmentContentType = (typeof ATTACHMENT_CONTENT_TYPES)[number];

export const AttachmentLimits = {
  /** Upper bound on the wire; the gateway's ATTACHMENT_MAX_BYTES (10 MiB by default) is the real cap. */
  WIRE_MAX_BYTES: 16 * 1024 * 1024,
  /** Images one message may carry. */
  PER_MESSAGE_MAX: 10,
  /** Characters of a file name kept (longer names are cut). */
  NAME_MAX: 200,
  /** Width or height in pixels beyond which header values are treated as nonsense. */
  DIMENSION_MAX: 100_000,
} as const;
