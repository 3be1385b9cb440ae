/**
 * The release modals: the "new release" form (`/release new` alone) and the note a failed wave
 * needs (the Wave failed button). Each input block's block_id is the field name, so a
 * ChangebotError's `details.field` maps onto `response_action: errors` (errors.ts).
 */
import type { ModalView } from '@slack/types';
import { type ModalMeta, encodeMeta } from './modal.js';
import { type Block, LIMITS, context, esc, plain, truncate } from './limits.js';

export const NEW_RELEASE_VIEW = 'release_new';
export const WAVE_FAILED_VIEW = 'release_wave_fail_form';

/** The block ids of the new-release form, in order (also where inline errors go). */
export const RELEASE_FORM_BLOCKS = ['name', 'goal', 'manager', 'target', 'testing', 'communications', 'training', 'channel'] as const;

export interface ReleaseModalMeta extends ModalMeta {
  /** The Slack user typing: the release manager unless another is picked. */
  user?: string;
}

function person(blockId: string, label: string, initialUser?: string): Block {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(label, LIMITS.inputLabel),
    element: {
      type: 'users_select',
      action_id: blockId,
      ...(initialUser ? { initial_user: initialUser } : {}),
      placeholder: plain('Pick a person', LIMITS.placeholder),
    },
  };
}

/** The new-release modal: name, goal, manager, target date, the release team and the status channel. */
export function newReleaseModal(meta: ReleaseModalMeta): ModalView {
  const { user, ...kept } = meta;
  return {
    type: 'modal',
    callback_id: NEW_RELEASE_VIEW,
    title: plain('New release', LIMITS.viewTitle),
    submit: plain('Open release', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewClose),
    private_metadata: encodeMeta(kept),
    blocks: [
      {
        type: 'input',
        block_id: 'name',
        label: plain('Name', LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: 'name', max_length: 200, placeholder: plain('December platform release', LIMITS.placeholder) },
      },
      {
        type: 'input',
        block_id: 'goal',
        optional: true,
        label: plain('Goal', LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: 'goal', multiline: true, max_length: 2000 },
      },
      person('manager', 'Release manager', user),
      {
        type: 'input',
        block_id: 'target',
        optional: true,
        label: plain('Target date', LIMITS.inputLabel),
        element: { type: 'datepicker', action_id: 'target' },
      },
      person('testing', 'Testing coordinator'),
      person('communications', 'Communications coordinator'),
      person('training', 'Training coordinator'),
      {
        type: 'input',
        block_id: 'channel',
        optional: true,
        label: plain('Status channel', LIMITS.inputLabel),
        hint: plain('Where the release keeps its status message and decisions.', 2000),
        element: {
          type: 'conversations_select',
          action_id: 'channel',
          filter: { include: ['public', 'private'], exclude_bot_users: true },
          ...(meta.channel ? { initial_conversation: meta.channel } : {}),
          placeholder: plain('Pick a channel', LIMITS.placeholder),
        },
      },
    ],
  } as ModalView;
}

/** What happened to a failed wave (optional: its backout says what was done). */
export function waveFailedModal(key: string, wave: number, meta: ModalMeta): ModalView {
  return {
    type: 'modal',
    callback_id: WAVE_FAILED_VIEW,
    title: plain(`Wave ${wave} of ${key} failed`, LIMITS.viewTitle),
    submit: plain('Record failure', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewClose),
    private_metadata: encodeMeta({ ...meta, key, wave }),
    blocks: [
      context([esc(truncate(`Record that wave ${wave} of ${key} failed. Then back it out, or back the release out as a whole.`, 2000))]),
      {
        type: 'input',
        block_id: 'note',
        optional: true,
        label: plain('What happened, and what was done', LIMITS.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: 'note',
          multiline: true,
          max_length: 1000,
          placeholder: plain('db pool errors; traffic moved back to 4.1', LIMITS.placeholder),
        },
      },
    ],
  };
}
