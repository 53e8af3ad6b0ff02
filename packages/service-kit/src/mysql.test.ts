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

describe('MySQL TLS settings a service refuses at start', () => {
  it('names an ssl-mode MySQL does not know', () => {
    expect(() => connectionOptionsOf('mysql://u@db.example/db?ssl-mode=VERIFY')).toThrow(/ssl-mode must be one of .*VERIFY_IDENTITY, got "VERIFY"/);
  });

  it('refuses VERIFY_IDENTITY on an address, whose name mysql2 would not check', () => {
    expect(() => connectionOptionsOf('mysql://u@10.0.0.5/db?ssl-mode=VERIFY_IDENTITY')).toThrow(/needs the host name .* got the address 10\.0\.0\.5/);
  });

  it('names a CA file that cannot be read', () => {
    expect(() => connectionOptionsOf('mysql://u@db.example/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/nonexistent/ca.pem')).toThrow(
      /ssl-ca names \/nonexistent\/ca\.pem/,
    );
  });

  it('verifies the host name for VERIFY_IDENTITY and the chain alone for VERIFY_CA', () => {
    expect(connectionOptionsOf('mysql://u@db.example/db?ssl-mode=VERIFY_IDENTITY').ssl).toMatchObject({ rejectUnauthorized: true, verifyIdentity: true });
    expect(connectionOptionsOf('mysql://u@db.example/db?ssl-mode=VERIFY_CA').ssl).toMatchObject({ rejectUnauthorized: true, verifyIdentity: false });
  });
});
