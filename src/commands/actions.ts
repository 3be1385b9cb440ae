/** The command a card button stands for: the same for a Slack action_id and a Teams verb. */
import { ACTIONS, type ActionId } from '../domain/actions.js';
import type { Command } from './types.js';

/** null: the button opens something (Details, the Reschedule form) rather than running a command. */
export function actionCommand(id: ActionId, key: string): Command | null {
  switch (id) {
    case ACTIONS.voteApprove:
      return { kind: 'vote', key, choice: 'approve' };
    case ACTIONS.voteReject:
      return { kind: 'vote', key, choice: 'reject' };
    case ACTIONS.voteAbstain:
      return { kind: 'vote', key, choice: 'abstain' };
    case ACTIONS.submit:
      return { kind: 'submit', key };
    case ACTIONS.start:
      return { kind: 'start', key };
    case ACTIONS.done:
      return { kind: 'done', key };
    case ACTIONS.fail:
      return { kind: 'fail', key };
    case ACTIONS.backout:
      return { kind: 'backout', key };
    case ACTIONS.close:
      return { kind: 'close', key };
    case ACTIONS.details:
    case ACTIONS.reschedule:
      return null;
  }
}
