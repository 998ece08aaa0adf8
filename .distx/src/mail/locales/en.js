export default {
    subject: {
        payment: '{brand}: your payment code (ref. {reference})',
        signIn: '{brand}: your sign-in code (ref. {reference})',
        emailVerification: '{brand}: verify your email address (ref. {reference})',
        other: '{brand}: your verification code (ref. {reference})',
    },
    intro: {
        payment: 'Use this code to confirm your payment of {amount} to {payee}.',
        signIn: 'Use this code to sign in to {brand}.',
        emailVerification: 'Use this code to verify your email address with {brand}.',
        other: 'Use this code to confirm your request at {merchant}.',
    },
    validityMinutes: 'This code is valid for {minutes, plural, one {# minute} other {# minutes}}.',
    validitySeconds: 'This code is valid for {seconds, plural, one {# second} other {# seconds}}.',
    reference: 'Reference: {reference}',
    warning: 'Never share this code with anyone, including {brand} staff.',
    notYou: 'If you did not ask for this code, ignore this email.',
    resentSubject: '{subject} (sent again)',
    resent: 'We are sending this code again, as you asked: it is the same code as in our earlier email, and it expires when that one said.',
    sentences: '{first} {second}',
};
//# sourceMappingURL=en.js.map