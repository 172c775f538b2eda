// The explicit table of IMAP verbs (RFC 3501 §6 and extensions): one line per verb, each spec carrying the
// session states it is allowed in. The dispatcher looks verbs up here only — never by file name.
import type { ImapCommandSpec } from '../session/command-context.ts';
import { capabilityCommand } from './capability.ts';
import { noopCommand } from './noop.ts';
import { logoutCommand } from './logout.ts';
import { loginCommand } from './login.ts';
import { authenticateCommand } from './authenticate.ts';
import { starttlsCommand } from './starttls.ts';
import { idCommand } from './id.ts';
import { enableCommand } from './enable.ts';
import { namespaceCommand } from './namespace.ts';
import { listCommand } from './list.ts';
import { lsubCommand } from './lsub.ts';
import { createCommand } from './create.ts';
import { deleteCommand } from './delete.ts';
import { renameCommand } from './rename.ts';
import { subscribeCommand } from './subscribe.ts';
import { unsubscribeCommand } from './unsubscribe.ts';
import { statusCommand } from './status.ts';
import { examineCommand, selectCommand } from './select.ts';
import { closeCommand } from './close.ts';
import { unselectCommand } from './unselect.ts';
import { checkCommand } from './check.ts';
import { idleCommand } from './idle.ts';
import { appendCommand } from './append.ts';
import { fetchCommand } from './fetch.ts';
import { storeCommand } from './store.ts';
import { searchCommand } from './search.ts';
import { sortCommand } from './sort.ts';
import { threadCommand } from './thread.ts';
import { cancelUpdateCommand } from './cancelupdate.ts';
import { copyCommand } from './copy.ts';
import { moveCommand } from './move.ts';
import { expungeCommand } from './expunge.ts';
import { compressCommand } from './compress.ts';
import { getquotaCommand, getquotarootCommand, setquotaCommand } from './quota.ts';
import { notifyCommand } from './notify.ts';

const specs: readonly ImapCommandSpec[] = [
  capabilityCommand, //   any state
  noopCommand, //         any state
  logoutCommand, //       any state
  idCommand, //           any state (RFC 2971)
  loginCommand, //        not-authenticated
  authenticateCommand, // not-authenticated
  starttlsCommand, //     not-authenticated
  enableCommand, //       authenticated, selected (RFC 5161)
  namespaceCommand, //    authenticated, selected (RFC 2342)
  listCommand, //         authenticated, selected
  lsubCommand, //         authenticated, selected
  createCommand, //       authenticated, selected
  deleteCommand, //       authenticated, selected
  renameCommand, //       authenticated, selected
  subscribeCommand, //    authenticated, selected
  unsubscribeCommand, //  authenticated, selected
  statusCommand, //       authenticated, selected
  selectCommand, //       authenticated, selected
  examineCommand, //      authenticated, selected
  appendCommand, //       authenticated, selected
  idleCommand, //         authenticated, selected (RFC 2177)
  closeCommand, //        selected
  unselectCommand, //     selected (RFC 3691)
  checkCommand, //        selected
  fetchCommand, //        selected, UID
  storeCommand, //        selected, UID
  searchCommand, //       selected, UID
  sortCommand, //         selected, UID (RFC 5256, RFC 5267 ESORT)
  threadCommand, //       selected, UID (RFC 5256)
  cancelUpdateCommand, // selected (RFC 5267)
  copyCommand, //         selected, UID
  moveCommand, //         selected, UID (RFC 6851)
  expungeCommand, //      selected, UID (RFC 4315)
  compressCommand, //     authenticated, selected (RFC 4978)
  getquotaCommand, //     authenticated, selected (RFC 9208)
  getquotarootCommand, // authenticated, selected (RFC 9208)
  setquotaCommand, //     authenticated, selected (RFC 9208; always NO, see quota.ts)
  notifyCommand, //       authenticated, selected (RFC 5465)
];

export const commandTable: ReadonlyMap<string, ImapCommandSpec> = new Map(specs.map((spec) => [spec.name, spec]));

if (commandTable.size !== specs.length) throw new Error('command-table: two specs share one verb name');
