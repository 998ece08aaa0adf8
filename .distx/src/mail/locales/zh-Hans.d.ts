declare const _default: {
    subject: {
        payment: string;
        signIn: string;
        emailVerification: string;
        other: string;
    };
    intro: {
        payment: string;
        signIn: string;
        emailVerification: string;
        other: string;
    };
    validityMinutes: string;
    validitySeconds: string;
    reference: string;
    warning: string;
    notYou: string;
    resentSubject: string;
    resent: string;
    sentences: string;
};
export default _default;
