import { existsSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateMariadb } from './private-mariadb';
import type { PrivateServer } from './server-process';

let mariadb: PrivateServer | undefined;
afterAll(async () => {
  await mariadb?.close();
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const connection = await createConnection({ uri: url, connectTimeout: 2_000 });
  try {
    const [rows] = await connection.query(sql);
    return rows as unknown[];
  } finally {
    await connection.end();
  }
}

describe('private mariadb', () => {
  it('keeps its data across a graceful stop and a kill, refuses connections while stopped, and removes its directory on close', async () => {
    mariadb = await startPrivateMariadb();
    expect(mariadb.url).toBe(`mysql://root@127.0.0.1:${mariadb.port}/`);
    await query(mariadb.url, 'CREATE DATABASE kept');
    await query(mariadb.url, 'CREATE TABLE kept.t (id INT PRIMARY KEY) ENGINE=InnoDB');
    await query(mariadb.url, 'INSERT INTO kept.t VALUES (1)');
    await mariadb.stop();
    await expect(query(mariadb.url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await mariadb.start();
    await query(mariadb.url, 'INSERT INTO kept.t VALUES (2)');
    await mariadb.stop({ kill: true });
    await expect(query(mariadb.url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await mariadb.start();
    expect(await query(mariadb.url, 'SELECT id FROM kept.t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    const { dir } = mariadb;
    await mariadb.close();
    mariadb = undefined;
    expect(existsSync(dir)).toBe(false);
  }, 240_000);

  it('refuses a port where something already listens', async () => {
    mariadb = await startPrivateMariadb();
    await expect(startPrivateMariadb({ port: mariadb.port })).rejects.toThrow(/already answers/);
  }, 120_000);
});
