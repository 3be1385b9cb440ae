/**
 * Teams content of a release's status message and of its notices. TEMPORARY layout until the
 * release card models and renderers land (rel-cards); the Slack twin is
 * src/chat/slack/release-content.ts.
 */
import { READINESS_FACTORS, RELEASE_PHASE_LABELS, type Release } from '../../domain/release.js';
import { formatRange } from '../../domain/windows.js';
import type { ReleaseMessage } from '../../notify/types.js';
import { type AdaptiveCard, card, text } from './cards.js';

export function releaseStatusCard(release: Release, zone: string): AdaptiveCard {
  const ticked = READINESS_FACTORS.filter((f) => release.readiness[f]).length;
  const waves = release.waves.map(
    (w) =>
      `wave ${w.number}${w.pilot ? ' (pilot)' : ''}: ${w.state.replace('_', ' ')}, ${formatRange(w.window, zone)}${w.services.length ? `, ${w.services.join(', ')}` : ''}`,
  );
  return card(
    [
      text(`${release.key} ${release.name}`, { size: 'Large', weight: 'Bolder' }),
      text(`Phase: ${RELEASE_PHASE_LABELS[release.phase]}`),
      text(`Readiness: ${ticked} of ${READINESS_FACTORS.length} ticked`),
      ...waves.map((w) => text(w, { spacing: 'None' })),
    ],
    [],
    { fallbackText: `${release.key} “${release.name}”: ${RELEASE_PHASE_LABELS[release.phase]}` },
  );
}

export function releaseNoticeCard(release: Release, message: ReleaseMessage): AdaptiveCard {
  return card([text(message.text), text(`${release.key} “${release.name}”`, { isSubtle: true, spacing: 'None' })], [], { fallbackText: message.text });
}
