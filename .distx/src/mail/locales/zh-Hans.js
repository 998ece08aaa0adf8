export default {
    subject: {
        payment: '{brand}：您的付款验证码（参考号 {reference}）',
        signIn: '{brand}：您的登录验证码（参考号 {reference}）',
        emailVerification: '{brand}：验证您的电子邮件地址（参考号 {reference}）',
        other: '{brand}：您的验证码（参考号 {reference}）',
    },
    intro: {
        payment: '请使用此验证码确认您向 {payee} 支付 {amount}。',
        signIn: '请使用此验证码登录 {brand}。',
        emailVerification: '请使用此验证码向 {brand} 验证您的电子邮件地址。',
        other: '请使用此验证码确认您在 {merchant} 的请求。',
    },
    validityMinutes: '此验证码在 {minutes} 分钟内有效。',
    validitySeconds: '此验证码在 {seconds} 秒内有效。',
    reference: '参考号：{reference}',
    warning: '切勿与任何人分享此验证码，包括 {brand} 的工作人员。',
    notYou: '如果您没有申请此验证码，请忽略此邮件。',
    resentSubject: '{subject}（重新发送）',
    resent: '应您的要求，我们再次发送此验证码：它与我们上一封邮件中的验证码相同，并在该邮件所述的时间失效。',
    sentences: '{first}{second}',
};
//# sourceMappingURL=zh-Hans.js.map