/** `email` is already normalised (trimmed, lower-case, checked by EMAIL_RULE). */
export declare function canonicalMailbox(email: string): string;
/** The domain a mailbox is on: what the per-domain send budget counts. */
export declare function mailDomain(mailbox: string): string;
