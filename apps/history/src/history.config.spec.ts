import { ConfigValidationError, loadConfig } from '@app/common';
import { HistoryConfig } from './history.config';

describe('HistoryConfig', () => {
  it('defaults to PostgreSQL on port 3003', () => {
    const config = loadConfig(HistoryConfig, {});
    expect(config.HTTP_PORT).toBe(3003);
    expect(config.MONGO_DB).toBe('happychat');
    expect(config.usesMongo).toBe(false);
  });

  it('reads the port from the environment as a number', () => {
    expect(loadConfig(HistoryConfig, { HTTP_PORT: '0' }).HTTP_PORT).toBe(0);
  });

  it('switches to MongoDB when MONGO_URL is set, and treats an empty one as unset', () => {
    expect(loadConfig(HistoryConfig, { MONGO_URL: 'mongodb://db:27017/?replicaSet=rs0' }).usesMongo).toBe(
      true,
    );
    expect(loadConfig(HistoryConfig, { MONGO_URL: '' }).usesMongo).toBe(false);
  });

  it('refuses a MONGO_URL that is not a MongoDB URL', () => {
    expect(() => loadConfig(HistoryConfig, { MONGO_URL: 'http://db:27017' })).toThrow(ConfigValidationError);
  });
});

describe('HistoryConfig: chat-log settings', () => {
  it('defaults: 15-minute edit window, keep forever, retention checked hourly', () => {
    const config = loadConfig(HistoryConfig, {});
    expect(config.MESSAGE_EDIT_WINDOW_SECONDS).toBe(900);
    expect(config.HISTORY_RETENTION_DAYS).toBe(0);
    expect(config.HISTORY_RETENTION_INTERVAL_SECONDS).toBe(3600);
  });

  it('merges the search index every second unless told otherwise, 0 turning it off', () => {
    expect(loadConfig(HistoryConfig, {}).HISTORY_SEARCH_MERGE_INTERVAL_MS).toBe(1000);
    expect(
      loadConfig(HistoryConfig, { HISTORY_SEARCH_MERGE_INTERVAL_MS: '0' }).HISTORY_SEARCH_MERGE_INTERVAL_MS,
    ).toBe(0);
    expect(() => loadConfig(HistoryConfig, { HISTORY_SEARCH_MERGE_INTERVAL_MS: '-1' })).toThrow(
      ConfigValidationError,
    );
  });

  it('takes fractional retention days and refuses negative ones', () => {
    expect(loadConfig(HistoryConfig, { HISTORY_RETENTION_DAYS: '0.5' }).HISTORY_RETENTION_DAYS).toBe(0.5);
    expect(() => loadConfig(HistoryConfig, { HISTORY_RETENTION_DAYS: '-1' })).toThrow(ConfigValidationError);
    expect(() => loadConfig(HistoryConfig, { MESSAGE_EDIT_WINDOW_SECONDS: 'soon' })).toThrow(
      ConfigValidationError,
    );
  });
});
