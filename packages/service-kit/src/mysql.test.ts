import { describe, expect, it } from 'vitest';
import { connectionOptionsOf, databaseNameOf, withDatabase } from './mysql';

describe('MySQL connection options', () => {
  it('connects without TLS unless the URL asks for it', () => {
    expect(connectionOptionsOf('mysql://root@127.0.0.1:3306/rtc_orders')).toEqual({ uri: 'mysql://root@127.0.0.1:3306/rtc_orders' });
  });

  it('turns ssl-mode=VERIFY_IDENTITY into verified TLS and keeps it out of the URI', () => {
    const options = connectionOptionsOf('mysql://orders:secret@db.example:3306/rtc_orders?ssl-mode=VERIFY_IDENTITY');
    expect(options.uri).toBe('mysql://orders:secret@db.example:3306/rtc_orders');
    expect(options.ssl).toMatchObject({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  });

  it('encrypts without verifying for ssl-mode=REQUIRED', () => {
    expect(connectionOptionsOf('mysql://u@h/db?ssl-mode=required').ssl).toMatchObject({ rejectUnauthorized: false });
  });

  it('names the database of a URL and replaces it', () => {
    expect(databaseNameOf('mysql://u@h:3306/rtc_users')).toBe('rtc_users');
    expect(withDatabase('mysql://u@h:3306', 'rtc_catalog')).toBe('mysql://u@h:3306/rtc_catalog');
    expect(() => databaseNameOf('mysql://u@h:3306/')).toThrow('DATABASE_URL');
  });
});
