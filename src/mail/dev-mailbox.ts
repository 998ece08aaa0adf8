// The development mailbox: the last emails the log mailer "sent", kept in memory so that a
// person or an end-to-end test can read a code without scraping the log
// (/dev/mailbox, src/http/dev-mailbox.routes.ts). It exists only beside the log mailer, which
// configuration refuses in production.
import { randomUUID } from 'node:crypto';

export interface MailboxEmail {
  id: string;
  /** ISO time it was "sent". */
  at: string;
  to: string;
  subject: string;
  code: string;
  text: string;
  html: string;
}

/** Enough for a session of trying things; the oldest go first. */
export const MAILBOX_SIZE = 50;

export class DevMailbox {
  private readonly emails: MailboxEmail[] = [];

  keep(email: Omit<MailboxEmail, 'id' | 'at'>): void {
    this.emails.push({ id: randomUUID(), at: new Date().toISOString(), ...email });
    if (this.emails.length > MAILBOX_SIZE) this.emails.shift();
  }

  /** Newest first; only those to `to` when given. */
  list(to?: string): MailboxEmail[] {
    const all = [...this.emails].reverse();
    return to ? all.filter((e) => e.to === to.trim().toLowerCase()) : all;
  }

  get(id: string): MailboxEmail | undefined {
    return this.emails.find((e) => e.id === id);
  }
}
