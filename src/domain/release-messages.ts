/**
 * The words of every release notification (src/domain/messages.ts does the RFCs'), written for
 * the person who receives it: which release, which wave, what happens to which service, when
 * (in their zone), the expected impact, and who to contact.
 */
import { RELEASE_PHASE_LABELS, type Release, type Wave } from './release.js';
import { formatMinutes } from './views.js';
import { formatRange } from './windows.js';

export interface ReleaseMessageInput {
  /** Which wave a wave's event is about. */
  wave?: number | undefined;
  /** Extra words (a reason, the RFC that left, the decision). */
  detail?: string | undefined;
}

function list(words: string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : (words[0] ?? '');
}

/** The services a wave changes, or the release's when it names none. */
function servicesOf(release: Pick<Release, 'waves'>, wave?: Wave): string {
  const names = wave?.services.length ? wave.services : [...new Set(release.waves.flatMap((w) => w.services))];
  return names.length ? list(names) : 'no listed service';
}

function waveName(w: Wave): string {
  return `wave ${w.number}${w.pilot ? ' (pilot)' : ''}`;
}

function impactOf(w: Wave): string {
  return w.outageMinutes
    ? `Expected impact: up to ${formatMinutes(w.outageMinutes)} of outage${w.audience ? ` for ${w.audience}` : ''}.`
    : 'No outage is expected.';
}

export function releaseMessageText(event: string, release: Release, zone: string, input: ReleaseMessageInput = {}): string {
  const ref = `${release.key} “${release.name}”`;
  const why = input.detail ? ` (${input.detail})` : '';
  const contact = `Questions: contact ${release.manager} (release manager).`;
  const wave = input.wave !== undefined ? release.waves.find((w) => w.number === input.wave) : undefined;
  const svc = servicesOf(release, wave);
  const when = wave ? formatRange(wave.window, zone) : 'at a time not yet planned';
  const phase = RELEASE_PHASE_LABELS[release.phase];
  switch (event) {
    case 'release-decision':
      if (wave) {
        const what = wave.state === 'backed_out' ? 'was backed out' : wave.state === 'failed' ? 'failed' : `is ${wave.state.replace('_', ' ')}`;
        return `Release decision: ${waveName(wave)} of ${ref} on ${svc} ${what}${why}. ${ref} is in ${phase}.`;
      }
      return `Release decision on ${ref}${input.detail ? `: ${input.detail}` : ''}. It is now in ${phase}.`;
    case 'release-rfc-left':
      return `An RFC left ${ref}${why}. Check the release's scope and plan.`;
    case 'release-announcement': {
      const waves = release.waves.length
        ? release.waves.map((w) => `${waveName(w)} on ${servicesOf(release, w)} ${formatRange(w.window, zone)}`).join('; ')
        : 'waves not yet planned';
      const longest = Math.max(0, ...release.waves.map((w) => w.outageMinutes));
      const impact = longest ? `Expected impact: up to ${formatMinutes(longest)} of outage per wave.` : 'No outage is expected.';
      return `Planned release ${ref} will change ${svc}: ${waves}. ${impact} ${contact}`;
    }
    case 'wave-started':
      if (!wave) return `Deployment of ${ref} started${why}. ${contact}`;
      return `Maintenance started on ${svc}: ${waveName(wave)} of ${ref}, planned ${when}. ${impactOf(wave)} ${contact}`;
    case 'wave-finished':
      if (!wave) return `A wave of ${ref} finished${why}.`;
      if (wave.state === 'successful') return `Service restored: ${waveName(wave)} of ${ref} on ${svc} is complete${why}.`;
      if (wave.state === 'backed_out') return `Service restored: ${waveName(wave)} of ${ref} on ${svc} was backed out${why}.`;
      return `${waveName(wave)} of ${ref} on ${svc} failed${why}; the release team decides whether to back it out. ${contact}`;
    // Timed events of the scheduler for a release's waves.
    case 'outage-notice':
      if (!wave) return `Planned release ${ref} on ${svc}. ${contact}`;
      return `Planned maintenance on ${svc} ${when}: ${waveName(wave)} of ${ref}. ${impactOf(wave)} ${contact}`;
    case 'reminder-24h':
    case 'reminder-1h': {
      const soon = event === 'reminder-24h' ? 'in about 24 hours' : 'in about an hour';
      if (!wave) return `Reminder: a wave of ${ref} starts ${soon}.`;
      return `Reminder: ${waveName(wave)} of ${ref} on ${svc} starts ${soon}, ${when}. ${impactOf(wave)}`;
    }
    case 'start-prompt':
      if (!wave) return `A wave window of ${ref} has opened. Start the wave when you begin.`;
      return `The window of ${waveName(wave)} of ${ref} on ${svc} has opened (${when}). Start the wave when you begin.`;
    case 'overrun':
      if (!wave) return `Overrun: a wave of ${ref} is still deploying after its window ended.`;
      return `Overrun: ${waveName(wave)} of ${ref} on ${svc} is still deploying and its window has ended (${when}). Release manager ${release.manager}: sign it off done, failed or backed out.`;
    case 'delivery-failed':
      return `Some messages about ${ref} could not be delivered${why}. Please tell the people concerned another way.`;
    default:
      return `${ref}: ${event}${why}.`;
  }
}
