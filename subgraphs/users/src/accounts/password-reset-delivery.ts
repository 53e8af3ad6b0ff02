import type { Logger } from '@rtc/service-kit';

/** A password-reset token on its way to the account's owner. */
export interface PasswordResetMessage {
  readonly email: string;
  readonly name: string;
  readonly token: string;
  readonly expiresAt: Date;
}

/** How reset tokens reach people: the seam where an email service plugs in. */
export interface PasswordResetDelivery {
  deliver(message: PasswordResetMessage): Promise<void>;
}

/** Writes the token to the service's log, for local runs and development: never use it where logs are shared. */
export function createLoggedPasswordResetDelivery(logger: Logger): PasswordResetDelivery {
  return {
    async deliver({ email, token, expiresAt }) {
      logger.info({ email, token, expiresAt: expiresAt.toISOString() }, 'password reset token (logged: no delivery service configured)');
    },
  };
}

/** Production without a delivery service: requests are answered as usual, nothing is sent, and the log says so. */
export function createUndeliverablePasswordResetDelivery(logger: Logger): PasswordResetDelivery {
  return {
    async deliver({ expiresAt }) {
      logger.warn({ expiresAt: expiresAt.toISOString() }, 'password reset requested, but no delivery service is configured: nothing was sent');
    },
  };
}
