export default {
    subject: {
        payment: '{brand}: kod pembayaran anda (ruj. {reference})',
        signIn: '{brand}: kod log masuk anda (ruj. {reference})',
        emailVerification: '{brand}: sahkan alamat e-mel anda (ruj. {reference})',
        other: '{brand}: kod pengesahan anda (ruj. {reference})',
    },
    intro: {
        payment: 'Gunakan kod ini untuk mengesahkan pembayaran anda sebanyak {amount} kepada {payee}.',
        signIn: 'Gunakan kod ini untuk log masuk ke {brand}.',
        emailVerification: 'Gunakan kod ini untuk mengesahkan alamat e-mel anda dengan {brand}.',
        other: 'Gunakan kod ini untuk mengesahkan permintaan anda di {merchant}.',
    },
    validityMinutes: 'Kod ini sah selama {minutes} minit.',
    validitySeconds: 'Kod ini sah selama {seconds} saat.',
    reference: 'Rujukan: {reference}',
    warning: 'Jangan sekali-kali kongsi kod ini dengan sesiapa, termasuk kakitangan {brand}.',
    notYou: 'Jika anda tidak meminta kod ini, abaikan e-mel ini.',
    resentSubject: '{subject} (dihantar semula)',
    resent: 'Kami menghantar kod ini sekali lagi seperti yang anda minta: kod ini sama seperti dalam e-mel kami sebelum ini, dan tamat tempoh pada masa yang dinyatakan di situ.',
    sentences: '{first} {second}',
};
//# sourceMappingURL=ms.js.map