/**
 * Modals: the "new RFC" form (rendered from RFC_FORM, shared with Teams), the reschedule form,
 * and the read-only Details view. Each input block's block_id is the form field name, so a
 * ChangebotError's `details.field` / `details.errors` map straight onto `response_action: errors`.
 */
import { RFC_FORM, type FormField, type FormValues } from '../../../commands/form.js';
import type { InputBlockElement, ModalView } from '@slack/types';
import type { RfcCard } from '../../../domain/cards.js';
import type { RfcView } from '../../../domain/views.js';
import { type Block, LIMITS, context, esc, fit, mrkdwn, plain, truncate } from './limits.js';
import { cardBlocks } from './rfc.js';

export const NEW_RFC_VIEW = 'rfc_new';
export const RESCHEDULE_VIEW = 'rfc_reschedule_form';
export const DETAILS_VIEW = 'rfc_details_view';

/** What a modal remembers between opening and submission (kept under 3000 characters). */
export interface ModalMeta {
  /** The slash command's response_url, to answer where the command was typed. */
  responseUrl?: string;
  channel?: string;
  key?: string;
  /** A release's wave (the Wave failed form). */
  wave?: number;
}

export function encodeMeta(meta: ModalMeta): string {
  const s = JSON.stringify(meta);
  return s.length <= LIMITS.privateMetadata ? s : JSON.stringify({ key: meta.key, channel: meta.channel });
}

export function decodeMeta(s: string | undefined): ModalMeta {
  try {
    const v: unknown = JSON.parse(s || '{}');
    return typeof v === 'object' && v !== null ? (v as ModalMeta) : {};
  } catch {
    return {};
  }
}

function option(value: string, label: string) {
  return { text: plain(label, LIMITS.optionText), value: truncate(value, LIMITS.optionValue) };
}

function element(f: FormField, services: string[]): InputBlockElement | null {
  const base = { action_id: f.name };
  const placeholder = f.placeholder ? { placeholder: plain(f.placeholder, LIMITS.placeholder) } : {};
  switch (f.kind) {
    case 'text':
    case 'textarea':
      return {
        type: 'plain_text_input',
        ...base,
        ...(f.kind === 'textarea' ? { multiline: true } : {}),
        ...(f.maxLength ? { max_length: Math.min(f.maxLength, 3000) } : {}),
        ...placeholder,
      };
    case 'select':
      return { type: 'static_select', ...base, options: (f.options ?? []).slice(0, LIMITS.options).map((o) => option(o.value, o.label)), ...placeholder };
    case 'multiselect':
      if (!services.length) return null;
      return {
        type: 'multi_static_select',
        ...base,
        options: services.slice(0, LIMITS.options).map((s) => option(s, s)),
        placeholder: plain('Pick the affected services', LIMITS.placeholder),
      };
    case 'datetime':
      return { type: 'datetimepicker', ...base };
    case 'toggle':
      return { type: 'checkboxes', ...base, options: [option('true', f.label)] };
  }
}

/** The new-RFC modal: every field of RFC_FORM, services from the catalogue. */
export function newRfcModal(services: string[], meta: ModalMeta): ModalView {
  const blocks: Block[] = [];
  for (const f of RFC_FORM) {
    const el = element(f, services);
    if (!el) {
      blocks.push(context([mrkdwn`*${esc(f.label)}:* no services in the catalogue yet; an admin adds them with \`/rfc admin service add NAME\`.`]));
      continue;
    }
    blocks.push({ type: 'input', block_id: f.name, optional: !f.required, label: plain(f.label, LIMITS.inputLabel), element: el });
  }
  if (services.length > LIMITS.options) {
    blocks.push(context([esc(`Only the first ${LIMITS.options} services are listed; add others later with \`/rfc edit KEY services=...\`.`)]));
  }
  return {
    type: 'modal',
    callback_id: NEW_RFC_VIEW,
    title: plain('New RFC', LIMITS.viewTitle),
    submit: plain('Raise RFC', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewClose),
    private_metadata: encodeMeta(meta),
    blocks: fit(blocks, LIMITS.viewBlocks),
  };
}

/** The reschedule modal: new window start/end and a reason. */
export function rescheduleModal(v: Pick<RfcView, 'key' | 'title' | 'window'>, meta: ModalMeta): ModalView {
  return {
    type: 'modal',
    callback_id: RESCHEDULE_VIEW,
    title: plain(`Reschedule ${v.key}`, LIMITS.viewTitle),
    submit: plain('Reschedule', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewClose),
    private_metadata: encodeMeta({ ...meta, key: v.key }),
    blocks: [
      context([mrkdwn`*${esc(truncate(v.title, 500))}* — now ${esc(v.window ?? 'not planned')}`]),
      { type: 'input', block_id: 'start', label: plain('New window start'), element: { type: 'datetimepicker', action_id: 'start' } },
      { type: 'input', block_id: 'end', label: plain('New window end'), element: { type: 'datetimepicker', action_id: 'end' } },
      {
        type: 'input',
        block_id: 'reason',
        optional: true,
        label: plain('Reason (needed outside maintenance windows or over conflicts)'),
        element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: 1000 },
      },
    ],
  };
}

/** The Details modal: the whole RFC (a `details` card), with the viewer's buttons. */
export function detailsModal(card: RfcCard, zone: string): ModalView {
  return {
    type: 'modal',
    callback_id: DETAILS_VIEW,
    title: plain(card.key, LIMITS.viewTitle),
    close: plain('Close', LIMITS.viewClose),
    private_metadata: encodeMeta({ key: card.key }),
    blocks: fit(cardBlocks(card, { zone }), LIMITS.viewBlocks),
  };
}

type StateValue = {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_date_time?: number | null;
  selected_date?: string | null;
  selected_user?: string | null;
  selected_conversation?: string | null;
};

/** A submitted view's state as form values (dates as ISO instants, lists for multi-selects). */
export function readValues(values: Record<string, Record<string, StateValue>> | undefined): FormValues {
  const out: FormValues = {};
  for (const [blockId, actionsById] of Object.entries(values ?? {})) {
    for (const v of Object.values(actionsById)) {
      switch (v.type) {
        case 'static_select':
          out[blockId] = v.selected_option?.value;
          break;
        case 'multi_static_select':
          out[blockId] = (v.selected_options ?? []).map((o) => o.value);
          break;
        case 'checkboxes':
          out[blockId] = (v.selected_options ?? []).length > 0;
          break;
        case 'datetimepicker':
          out[blockId] = typeof v.selected_date_time === 'number' ? new Date(v.selected_date_time * 1000).toISOString() : undefined;
          break;
        case 'datepicker':
          out[blockId] = v.selected_date ?? undefined;
          break;
        case 'users_select':
          out[blockId] = v.selected_user ?? undefined;
          break;
        case 'conversations_select':
          out[blockId] = v.selected_conversation ?? undefined;
          break;
        default:
          out[blockId] = v.value ?? undefined;
      }
    }
  }
  return out;
}
