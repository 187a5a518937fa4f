import { PipeTransform } from '@nestjs/common';
import { CommonErrorCode, isReactionEmoji } from '@app/contracts';
import { AppException } from '@app/common';

/** The `:emoji` path segment (URL-decoded by Express): one emoji or a :shortcode:, else a 400 naming it. */
export const emojiParam: PipeTransform<string, string> = {
  transform(value: string): string {
    if (!isReactionEmoji(value)) {
      throw new AppException(
        CommonErrorCode.VALIDATION_FAILED,
        'emoji must be a single emoji or a :shortcode:',
        [{ field: 'emoji', reason: 'must be a single emoji or a :shortcode:' }],
      );
    }
    return value;
  },
};
