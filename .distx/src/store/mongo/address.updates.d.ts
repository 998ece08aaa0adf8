import { type Document } from 'mongodb';
import { type CheckCommand, type CheckOutcome, type DeliveryInfo, type IntentUse, type IssueLimits, type NewOtp, type NewWebhook, type OtpRecord, type ResendCommand, type SendLimits, type WindowLimit } from '../otp.store.js';
/**
 * A code as kept in its address's document, beside its other live codes: an OtpRecord without the
 * mailbox (the document's _id), its id as `codeId`, and a `claim` mark that tells a
 * dispatcher whether the claim it asked for is the one that was taken.
 */
export type SlotDocument = Omit<OtpRecord, 'id' | 'email' | 'mailbox' | 'delivery'> & {
    codeId: string;
    /** The address as written, when it is not the mailbox itself (`a+1@gmail.com`). */
    email?: string;
    delivery: DeliveryInfo & {
        claim?: string;
    };
};
interface WindowDocument {
    count: number;
    resetAt: Date;
}
/** Verdicts as the check pipeline writes them (`until` for `limited`, `attempts` for `mismatched`). */
export interface VerdictDocument {
    result: CheckOutcome['result'];
    attempts?: number;
    until?: Date;
}
/**
 * One per mailbox (src/edge/mailbox.ts), whatever spellings of it callers used: its limits and
 * its live codes. Deleted by the TTL index at `expiresAt`.
 */
export interface AddressDocument {
    _id: string;
    cooldownUntil?: Date | null;
    sends?: WindowDocument;
    /** Times of the latest wrong guesses, at most the budget's size: a sliding window. */
    guesses?: Date[];
    /** When the last of them leaves the window. */
    guessesUntil?: Date;
    /** The live codes (and expired ones until the next issue drops them). */
    slots?: SlotDocument[];
    /** Id of the code issued last ("<codeId>|<resends>" for a resend): the change stream's trigger for an email. */
    lastIssued?: string;
    /**
     * "<nonce>|<codeId>[|<codeId>…]", new on every delivery state change: the change stream's
     * trigger for status subscribers (a scalar that always changes, so it is always in the
     * change event's updatedFields).
     */
    deliveryChange?: string;
    /** Payment intents a code was issued for, until each intent expires: single use within the address. */
    intents?: {
        key: string;
        until: Date;
    }[];
    /**
     * Merchant webhooks written with the change they report, until the outbox's relay moves them
     * to the outbox collection (mongo/outbox.ts): the address's own small outbox.
     */
    webhooks?: EmbeddedWebhook[];
    /** What the last check, issue or resend decided, read back by the same command. */
    verdict?: VerdictDocument | ResendVerdictDocument;
    /** When every code has expired and every window has closed. */
    expiresAt: Date;
}
/** A webhook waiting in its address's document; it keeps the document alive until `keepUntil`. */
export type EmbeddedWebhook = NewWebhook & {
    keepUntil: Date;
};
/** How long a webhook waiting to be relayed keeps its address's document (the outbox keeps events as long). */
export declare const WEBHOOK_KEEP_MS: number;
/**
 * A pipeline stage that adds `webhook` to the document's `webhooks` when `when` holds (an
 * aggregation expression of the same update), leaving them as they were (or missing)
 * otherwise; none without a webhook.
 */
export declare function webhookStage(when: unknown, webhook: NewWebhook | undefined): Document[];
/**
 * One per payment intent: the address that claimed it, until it expires. Another address's
 * request with it collides (single use across addresses); the address's own document says
 * whether a code was issued for it. An object id: never equal to an email.
 */
export interface IntentDocument {
    _id: {
        intent: string;
    };
    /** The mailbox that claimed it (named `email` before mailboxes were keyed apart). */
    email: string;
    expiresAt: Date;
}
/** One per caller and budget (`request|ip`, `verify|ip`). An object id: never equal to an email. */
export interface ClientDocument {
    _id: {
        client: string;
    };
    window: WindowDocument;
    expiresAt: Date;
}
/**
 * The document's life: until its last code expires, its last window closes and its last
 * webhook is relayed (now, if nothing is left). `now` may be '$$NOW' (the relay's).
 */
export declare const lifetime: (now: Date | '$$NOW') => {
    $set: {
        expiresAt: {
            $ifNull: ("$$NOW" | Date | {
                $max: (string | {
                    $max: string;
                })[];
            })[];
        };
    };
};
/**
 * A caller's budget: counts one if the window allows it. Refused, the filter matches nothing
 * and the upsert collides with the existing document (duplicate key): the command stops there.
 */
/**
 * A payment intent claimed for `mailbox` (see IntentDocument): refused, when another mailbox
 * holds it, the filter matches nothing and the upsert collides on _id, as in clientStep.
 */
export declare function intentStep({ key, until }: IntentUse, mailbox: string, now: Date): {
    filter: Document;
    update: {
        $set: {
            email: {
                $literal: unknown;
            };
            claimedAt: Date;
            expiresAt: {
                $max: (Date | {
                    $ifNull: (string | Date)[];
                })[];
            };
        };
    }[];
};
export declare function clientStep(key: string, limit: WindowLimit, now: Date): {
    filter: Document;
    update: ({
        $set: {
            window: {
                $cond: ({
                    $gt: (string | Date)[];
                } | {
                    count: {
                        $add: (string | number)[];
                    };
                    resetAt: string;
                } | {
                    count: number;
                    resetAt: Date;
                })[];
            };
            expiresAt?: undefined;
        };
    } | {
        $set: {
            window?: undefined;
            expiresAt: string;
        };
    })[];
};
/** What a resend decided, read back by the same command; refusals are judged again in JS for the wait. */
export interface ResendVerdictDocument {
    result: 'refused' | 'resent' | 'queued' | 'expired' | 'too_many_attempts';
    reference?: string;
}
/**
 * Issues `otp` with `reference` in its address's document, beside its other live codes, as
 * one update that can share an ordered bulk write with the caller's counter (one command for
 * the whole request). The cooldown, send window, live codes and attempt budget (in the order
 * issueRefusal in window-count.ts judges them), the payment intent's single use and the
 * reference's freshness are judged in the pipeline; refused, the update leaves the document
 * exactly as it was (no field changes, so the write reports nothing modified) and the adapter
 * reads why. Issued, the counters move and expired codes are dropped; no live code ever is.
 */
export declare function issueStep(otp: NewOtp, reference: string, limits: Omit<IssueLimits, 'client'> | undefined): {
    filter: Document;
    update: ({
        $set: {
            expiresAt: {
                $cond: (string | {
                    $ifNull: ("$$NOW" | Date | {
                        $max: (string | {
                            $max: string;
                        })[];
                    })[];
                })[];
            };
        };
    } | {
        $set: {
            issuing: {
                $not: {
                    $or: (boolean | {
                        $or: ({
                            $gt: (Date | {
                                $ifNull: (string | null)[];
                            })[];
                            $and?: undefined;
                        } | {
                            $gt?: undefined;
                            $and: ({
                                $gt: (string | Date)[];
                            } | {
                                $gte: (string | number)[];
                            })[];
                        })[];
                    } | {
                        $in: ({
                            $literal: unknown;
                        } | {
                            $map: {
                                input: {
                                    $filter: {
                                        input: {
                                            $ifNull: (string | never[])[];
                                        };
                                        cond: {
                                            $gt: (string | Date)[];
                                        };
                                    };
                                };
                                in: string;
                            };
                        })[];
                    } | {
                        $gt?: undefined;
                        $gte: (number | {
                            $size: {
                                $filter: {
                                    input: {
                                        $filter: {
                                            input: {
                                                $ifNull: (string | never[])[];
                                            };
                                            cond: {
                                                $gt: (string | Date)[];
                                            };
                                        };
                                    };
                                    cond: {
                                        $lt: (string | number)[];
                                    };
                                };
                            };
                        })[];
                    } | {
                        $gte?: undefined;
                        $gt: (number | {
                            $add: (number | {
                                $add: ({
                                    $size: {
                                        $filter: {
                                            input: {
                                                $ifNull: (string | never[])[];
                                            };
                                            cond: {
                                                $gt: (string | Date)[];
                                            };
                                        };
                                    };
                                    $sum?: undefined;
                                } | {
                                    $size?: undefined;
                                    $sum: {
                                        $map: {
                                            input: {
                                                $filter: {
                                                    input: {
                                                        $ifNull: (string | never[])[];
                                                    };
                                                    cond: {
                                                        $gt: (string | Date)[];
                                                    };
                                                };
                                            };
                                            in: {
                                                $max: (number | {
                                                    $subtract: (string | number)[];
                                                })[];
                                            };
                                        };
                                    };
                                })[];
                            })[];
                        })[];
                    })[];
                }[];
            };
        };
        $unset?: undefined;
    } | {
        $set: {
            intents: {
                $cond: unknown[];
            };
            issuing?: undefined;
            slots: {
                $cond: unknown[];
            };
            lastIssued: {
                $cond: unknown[];
            };
        } | {
            intents?: undefined;
            issuing?: undefined;
            slots: {
                $cond: unknown[];
            };
            lastIssued: {
                $cond: unknown[];
            };
        };
        $unset?: undefined;
    } | {
        $set?: undefined;
        $unset: string;
    })[];
};
/**
 * Sends a live code again, in one findAndModify on its address's document (the filter finds
 * the code by its id): its life and attempts, then the cooldown and send window. Counted, the
 * email is queued unless one is still on its way: the delivery goes back to pending and
 * `lastIssued` names the code afresh ("<codeId>|<resends>"), which wakes the dispatchers.
 */
export declare function resendStep({ mailbox, id, now, maxAttempts, limits }: Omit<ResendCommand, 'limits'> & {
    limits: Omit<SendLimits, 'client'>;
}): {
    filter: {
        _id: string;
        'slots.codeId': string;
    };
    update: ({
        $set: {
            expiresAt: {
                $ifNull: ("$$NOW" | Date | {
                    $max: (string | {
                        $max: string;
                    })[];
                })[];
            };
        };
    } | {
        $set: {
            verdict: {
                $let: {
                    vars: {
                        slot: Document;
                    };
                    in: {
                        $switch: {
                            branches: Document[];
                            default: Document;
                        };
                    };
                };
            };
            lastIssued?: undefined;
            deliveryChange?: undefined;
        };
    } | {
        $set: {
            verdict?: undefined;
            slots: {
                $cond: (string | {
                    $in: (string | ("expired" | "queued" | "refused" | "resent" | "too_many_attempts")[])[];
                } | {
                    $map: {
                        input: string;
                        in: {
                            $cond: (string | {
                                $eq: (string | {
                                    $literal: unknown;
                                })[];
                            } | {
                                $mergeObjects: (string | {
                                    resends: {
                                        $add: (number | {
                                            $ifNull: (string | number)[];
                                        })[];
                                    };
                                    delivery: {
                                        state: import("../otp.store.js").DeliveryState;
                                        attempts: string;
                                        claimedBy: null;
                                        leaseUntil: null;
                                        nextAttemptAt: null;
                                        sentAt: null;
                                        error: null;
                                        updatedAt: string;
                                        events: string;
                                    };
                                })[];
                            })[];
                        };
                    };
                })[];
            };
            lastIssued?: undefined;
            deliveryChange?: undefined;
        };
    } | {
        $set: {
            verdict?: undefined;
            lastIssued: {
                $cond: (string | {
                    $in: (string | ("expired" | "queued" | "refused" | "resent" | "too_many_attempts")[])[];
                } | {
                    $concat: (string | {
                        $literal: unknown;
                    } | {
                        $toString: {
                            $first: {
                                $map: {
                                    input: {
                                        $filter: {
                                            input: string;
                                            cond: {
                                                $eq: (string | {
                                                    $literal: unknown;
                                                })[];
                                            };
                                        };
                                    };
                                    in: string;
                                };
                            };
                        };
                    })[];
                })[];
            };
            deliveryChange: {
                $cond: (string | {
                    $in: (string | ("expired" | "queued" | "refused" | "resent" | "too_many_attempts")[])[];
                } | {
                    $concat: (string | {
                        $literal: unknown;
                    })[];
                })[];
            };
        };
    })[];
};
/** The check as the address's document sees it: the caller's budget is a step of its own. */
export type CheckStepInput = Omit<CheckCommand, 'client'>;
/**
 * Checks one code, found by its id and purpose in its address's document (the filter: an
 * unknown id, or one of another address or purpose, matches nothing, so nothing is written and
 * the address pays nothing), and writes the verdict beside it: expiry, attempt cap, then the
 * hash. A wrong guess is counted on the code and logged in the attempt budget; a right one
 * removes the code, which gives its unused attempts back.
 */
export declare function checkStep({ mailbox, purpose, id, codeHash, now, maxAttempts, guesses, webhooks }: CheckStepInput): {
    filter: {
        _id: string;
        slots: {
            $elemMatch: {
                codeId: string;
                purpose: string;
            };
        };
    };
    update: (Document | {
        $set: {
            expiresAt: {
                $ifNull: ("$$NOW" | Date | {
                    $max: (string | {
                        $max: string;
                    })[];
                })[];
            };
        };
    })[];
};
export {};
