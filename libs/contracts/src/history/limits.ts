/** Bounds of the history features (search, summaries, ranges, export, reactions, retention). */
export const HistoryLimits = {
  /** Counted in code points. Longer queries are refused, not truncated. */
  SEARCH_QUERY_MAX_CHARS: 200,
  SEARCH_PAGE_DEFAULT: 20,
  SEARCH_PAGE_MAX: 50,
  /** Rooms one search covers; across-rooms search uses the caller's most recently joined. */
  SEARCH_ROOMS_MAX: 1000,
  SUMMARY_ROOMS_MAX: 500,
  /** Messages a read's span names the authors of; a longer read's receipt goes to everyone. */
  READ_SPAN_MAX: 50,
  /** Replay pages (time range, in order). Date-range paging of the chat uses Limits.PAGE_MAX. */
  RANGE_PAGE_MAX: 500,
  RANGE_PAGE_DEFAULT: 200,
  EXPORT_PAGE_MAX: 1000,
  /** Different emoji one user may put on one message. */
  REACTIONS_PER_USER_MAX: 20,
  /** Longest `:shortcode:` accepted as a reaction, colons included. */
  EMOJI_CODE_MAX: 34,
  RETENTION_DAYS_MAX: 36500,
} as const;
