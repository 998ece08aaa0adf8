// The sender as the inbox shows it. A bare address ("otp@bank.example") is what customers are
// taught to distrust; MAIL_FROM takes "Bank <otp@bank.example>" too, and MAIL_FROM_NAME names it.
import { z } from 'zod';

export interface MailFrom {
  email: string;
  name: string;
}

const address = z.email();

/** "Name <address>" or "address"; null when the address is not one. The name may be empty here. */
export function parseMailFrom(value: string): { email: string; name: string } | null {
  const named = /^\s*"?([^"<>]*?)"?\s*<([^<>\s]+)>\s*$/.exec(value);
  const [name, email] = named ? [named[1]!.trim(), named[2]!] : ['', value.trim()];
  return address.safeParse(email).success ? { email, name } : null;
}

/** The sender: MAIL_FROM's address, named by MAIL_FROM_NAME, else by MAIL_FROM's own name, else the brand. */
export function mailFrom(from: string, fromName: string | undefined, brand: string): MailFrom {
  const parsed = parseMailFrom(from)!;
  return { email: parsed.email, name: fromName ?? (parsed.name || brand) };
}
