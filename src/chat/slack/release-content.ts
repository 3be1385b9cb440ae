/**
 * Slack content of a release's status message and of its notices. TEMPORARY layout until the
 * release card models and renderers land (rel-cards): the plumbing (kept once, updated in
 * place, decisions in its thread) does not depend on how it looks.
 */
import { READINESS_FACTORS, RELEASE_PHASE_LABELS, type Release } from '../../domain/release.js';
import { formatRange } from '../../domain/windows.js';
import type { ReleaseMessage } from '../../notify/types.js';
import { type Block, context, esc, fallback, fields, header, section } from './blocks/limits.js';

export function releaseStatusLines(release: Release, zone: string): string[] {
  const ticked = READINESS_FACTORS.filter((f) => release.readiness[f]).length;
  const waves = release.waves.map(
    (w) =>
      `wave ${w.number}${w.pilot ? ' (pilot)' : ''}: ${w.state.replace('_', ' ')}, ${formatRange(w.window, zone)}${w.services.length ? `, ${w.services.join(', ')}` : ''}`,
  );
  return [`Phase: ${RELEASE_PHASE_LABELS[release.phase]}`, `Readiness: ${ticked} of ${READINESS_FACTORS.length} ticked`, ...waves];
}

export function releaseStatusContent(release: Release, zone: string): { text: string; blocks: Block[] } {
  const lines = releaseStatusLines(release, zone);
  return {
    text: fallback(`${release.key} “${release.name}”: ${RELEASE_PHASE_LABELS[release.phase]}`),
    blocks: [
      header(`${release.key} ${release.name}`),
      fields(lines.slice(0, 2).map(esc)),
      ...(lines.length > 2 ? [section(lines.slice(2).map(esc).join('\n'))] : []),
    ],
  };
}

export function releaseNoticeContent(release: Release, message: ReleaseMessage): { text: string; blocks: Block[] } {
  return {
    text: fallback(message.text),
    blocks: [section(esc(message.text)), context([esc(`${release.key} “${release.name}”`)])],
  };
}
