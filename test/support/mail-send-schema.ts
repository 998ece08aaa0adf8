// SendGrid's Mail Send request body (POST /v3/mail/send), as its published OpenAPI description
// states it (twilio/sendgrid-oai, spec/json/tsg_mail_v3.json, and the Mail Send reference),
// written out here as a JSON Schema for ajv, with the rules its prose adds: a personalization
// takes substitutions or dynamic_template_data (the latter only with a d- template), content
// is required without a template and text/plain comes before text/html, an inline attachment
// has a content_id. The fake SendGrid refuses a body this rejects (400), as SendGrid would.
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const address = { type: 'object', required: ['email'], additionalProperties: false, properties: { email: { type: 'string', format: 'email' }, name: { type: 'string' } } };
const toggle = (more: Record<string, object> = {}) => ({ type: 'object', additionalProperties: false, properties: { enable: { type: 'boolean' }, ...more } });

export const MAIL_SEND_SCHEMA = {
  type: 'object',
  required: ['personalizations', 'from'],
  additionalProperties: false,
  properties: {
    personalizations: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['to'],
        additionalProperties: false,
        properties: {
          from: address,
          to: { type: 'array', minItems: 1, maxItems: 1000, items: address },
          cc: { type: 'array', maxItems: 1000, items: address },
          bcc: { type: 'array', maxItems: 1000, items: address },
          subject: { type: 'string', minLength: 1 },
          headers: { type: 'object' },
          substitutions: { type: 'object', maxProperties: 10000, additionalProperties: { type: 'string' } },
          dynamic_template_data: { type: 'object' },
          custom_args: { type: 'object', maxProperties: 10000, additionalProperties: { type: 'string' } },
          send_at: { type: 'integer' },
        },
        not: { required: ['substitutions', 'dynamic_template_data'] },
      },
    },
    from: address,
    reply_to: address,
    reply_to_list: { type: 'array', maxItems: 1000, items: address },
    subject: { type: 'string', minLength: 1 },
    content: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['type', 'value'], additionalProperties: false, properties: { type: { type: 'string', minLength: 1 }, value: { type: 'string', minLength: 1 } } },
    },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['content', 'filename'],
        additionalProperties: false,
        properties: {
          content: { type: 'string', minLength: 1, contentEncoding: 'base64' },
          type: { type: 'string', minLength: 1 },
          filename: { type: 'string' },
          disposition: { enum: ['inline', 'attachment'] },
          content_id: { type: 'string' },
        },
        if: { required: ['disposition'], properties: { disposition: { const: 'inline' } } },
        then: { required: ['content_id'] },
      },
    },
    template_id: { type: 'string' },
    headers: { type: 'object' },
    categories: { type: 'array', maxItems: 10, uniqueItems: true, items: { type: 'string', maxLength: 255 } },
    custom_args: { type: 'string' },
    send_at: { type: 'integer' },
    batch_id: { type: 'string' },
    asm: { type: 'object' },
    ip_pool_name: { type: 'string', minLength: 2, maxLength: 64 },
    mail_settings: { type: 'object' },
    tracking_settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        click_tracking: toggle({ enable_text: { type: 'boolean' } }),
        open_tracking: toggle({ substitution_tag: { type: 'string' } }),
        subscription_tracking: toggle({ text: { type: 'string' }, html: { type: 'string' }, substitution_tag: { type: 'string' } }),
        ganalytics: toggle({ utm_source: { type: 'string' }, utm_medium: { type: 'string' }, utm_term: { type: 'string' }, utm_content: { type: 'string' }, utm_campaign: { type: 'string' } }),
      },
    },
  },
  allOf: [
    // Without a template, the body brings its own subject and content.
    { if: { not: { required: ['template_id'] } }, then: { required: ['content'] } },
    // dynamic_template_data belongs to a Dynamic Template (an id starting d-).
    {
      if: { properties: { personalizations: { contains: { required: ['dynamic_template_data'] } } } },
      then: { required: ['template_id'], properties: { template_id: { pattern: '^d-' } } },
    },
  ],
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as { default: (a: Ajv) => void }).default?.(ajv) ?? (addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(MAIL_SEND_SCHEMA);

/** What is wrong with a Mail Send body, one line each; empty when SendGrid's schema takes it. */
export function mailSendProblems(body: unknown): string[] {
  const problems = validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  // text/plain, when sent, comes first (SendGrid answers 400 otherwise).
  const content = (body as { content?: { type: string }[] }).content ?? [];
  if (content.some((c) => c.type === 'text/plain') && content[0]?.type !== 'text/plain') problems.push('/content text/plain must come first');
  return problems;
}
