/**
 * The example used in each error message and in help (the help itself is written from the
 * verb registry, registry.ts).
 */

/** One correct example per command, shown in error messages (`details.example`). */
export const EXAMPLES = {
  help: '/rfc help schedule',
  new: '/rfc new "Patch db01" category=minor services=db',
  show: '/rfc show RFC-12',
  list: '/rfc list pending',
  edit: '/rfc edit RFC-12 backout="Restore the snapshot"',
  submit: '/rfc submit RFC-12',
  vote: '/rfc vote RFC-12 approve looks good',
  schedule: '/rfc schedule RFC-12 start="2026-12-05 22:00" duration=2h',
  reschedule: '/rfc reschedule RFC-12 start="tomorrow 22:00" duration=2h reason="vendor delay"',
  start: '/rfc start RFC-12',
  done: '/rfc done RFC-12',
  fail: '/rfc fail RFC-12 reason="disk full"',
  backout: '/rfc backout RFC-12 reason="errors after the patch"',
  review: '/rfc review RFC-12 outcome=backed-out problem=PRB-12 notes="errors after the patch"',
  close: '/rfc close RFC-12',
  cancel: '/rfc cancel RFC-12 reason="no longer needed"',
  withdraw: '/rfc withdraw RFC-12 reason="duplicate of RFC-11"',
  clone: '/rfc clone RFC-12',
  log: '/rfc log RFC-12',
  conflicts: '/rfc conflicts RFC-12',
  calendar: '/rfc calendar days=14 service=db',
  slot: '/rfc slot service=db duration=2h',
  admin: '/rfc admin service list',
  'admin grant': '/rfc admin grant @alice cab',
  'admin revoke': '/rfc admin revoke @alice cab',
  'admin roles': '/rfc admin roles @alice',
  'admin log': '/rfc admin log @alice',
  'admin service': '/rfc admin service list',
  'admin service add': '/rfc admin service add db owner=@alice audience=#ops depends=storage,network',
  'admin service remove': '/rfc admin service remove db',
  'admin window': '/rfc admin window list',
  'admin window add': '/rfc admin window add service=db rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=22" duration=4h',
  'admin window remove': '/rfc admin window remove 3',
  'admin blackout': '/rfc admin blackout list',
  'admin blackout add': '/rfc admin blackout add start=2026-12-20 end=2027-01-04 reason="year-end freeze"',
  'admin blackout remove': '/rfc admin blackout remove 2',
  'admin cab-channel': '/rfc admin cab-channel #cab',
  'admin policy': '/rfc admin policy show',
  'admin policy set': '/rfc admin policy set CAB_MIN_APPROVALS 2',
} as const;

export type ExampleName = keyof typeof EXAMPLES;
