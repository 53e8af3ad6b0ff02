import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bootstrapScript } from "../components/database-users.js";

const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the job's script with /bin/sh against a stand-in `mysql` that records how it was called. */
function runScript(files: Record<string, string>): { calls: string[][]; stdout: string } {
  const workDir = mkdtempSync(path.join(tmpdir(), "rtc-db-bootstrap-"));
  workDirs.push(workDir);
  const mount = path.join(workDir, "secrets");
  const bin = path.join(workDir, "bin");
  const log = path.join(workDir, "mysql-calls.json");
  mkdirSync(mount, { recursive: true });
  mkdirSync(bin, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(mount, file), content);
  writeFileSync(log, "");
  writeFileSync(
    path.join(bin, "mysql"),
    `#!/usr/bin/env node\nrequire("node:fs").appendFileSync(${JSON.stringify(log)}, JSON.stringify([process.env.MYSQL_PWD, ...process.argv.slice(2)]) + "\\n");\n`,
  );
  chmodSync(path.join(bin, "mysql"), 0o755);
  const script = bootstrapScript(
    [
      { service: "users", database: "rtc_users" },
      { service: "orders", database: "rtc_orders" },
    ],
    mount,
  );
  const stdout = execFileSync("/bin/sh", ["-c", script], {
    env: { PATH: `${bin}:${process.env.PATH}`, DATABASE_HOST: "db.internal" },
    encoding: "utf8",
  });
  const calls = readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line) as string[]);
  return { calls, stdout };
}

describe("the database users job", () => {
  it("creates each service's database and TLS-only user with the password from its own secret, as the master user", () => {
    const { calls, stdout } = runScript({
      "master-username": "rtc_admin",
      "master-password": "MasterPass1",
      "users-password": "UsersPass1",
      "orders-password": "OrdersPass1",
    });
    expect(stdout).toContain("database users are in place");
    expect(calls).toEqual([
      [
        "MasterPass1",
        "--host=db.internal",
        "--user=rtc_admin",
        "--ssl-mode=REQUIRED",
        "--execute=CREATE DATABASE IF NOT EXISTS `rtc_users`; CREATE USER IF NOT EXISTS 'users'@'%' IDENTIFIED BY 'UsersPass1' REQUIRE SSL; ALTER USER 'users'@'%' IDENTIFIED BY 'UsersPass1' REQUIRE SSL; GRANT ALL PRIVILEGES ON `rtc_users`.* TO 'users'@'%';",
      ],
      [
        "MasterPass1",
        "--host=db.internal",
        "--user=rtc_admin",
        "--ssl-mode=REQUIRED",
        "--execute=CREATE DATABASE IF NOT EXISTS `rtc_orders`; CREATE USER IF NOT EXISTS 'orders'@'%' IDENTIFIED BY 'OrdersPass1' REQUIRE SSL; ALTER USER 'orders'@'%' IDENTIFIED BY 'OrdersPass1' REQUIRE SSL; GRANT ALL PRIVILEGES ON `rtc_orders`.* TO 'orders'@'%';",
      ],
    ]);
  });

  it("fails when a service's secret is not mounted, instead of creating a user without a password", () => {
    expect(() => runScript({ "master-username": "rtc_admin", "master-password": "MasterPass1", "users-password": "UsersPass1" })).toThrow();
  });
});
