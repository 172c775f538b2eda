// When a session may speak up on its own under RFC 5465 NOTIFY. The NOTIFY command installs a NotifyHook
// (commands/notify-watch.ts); this gate decides when its queued responses and the selected mailbox's changes
// are written: at once while no command runs or while IDLE waits, otherwise right after the running command's
// tagged reply (never in the middle of a command, and never between a COMPRESS OK and the start of compression).
// SELECTED pushes EXPUNGE at once; SELECTED-DELAYED keeps expunges for a command that may report them (§6.1).
import type { SelectedMailbox } from './selected-mailbox.ts';

/** What NOTIFY asks of the session (implemented in the commands layer, which can render FETCH items). */
export interface NotifyHook {
  /** How the selected mailbox's changes go out unasked: 'immediate' (SELECTED), 'delayed', or not at all. */
  readonly selectedEvents: 'immediate' | 'delayed' | 'none';
  /** After the selected mailbox's changes were written: `arrivals` are the uids its EXISTS just announced. */
  afterSelectedFlush(selected: SelectedMailbox, arrivals: readonly number[], write: (bytes: Buffer) => void): void;
  /** Writes the queued responses about other mailboxes (STATUS, LIST). */
  drain(): void;
  /** NOTIFY NONE, a new NOTIFY SET, or the end of the session: stop listening. */
  close(): void;
}

export interface NotifyGateHost {
  readonly selected: SelectedMailbox | undefined;
  /** Writes the selected mailbox's pending changes. */
  flushChanges(allowExpunge: boolean): unknown;
}

export class NotifyGate {
  readonly #host: NotifyGateHost;
  #hook: NotifyHook | undefined;
  #commandRunning = false;
  #idling = false;

  constructor(host: NotifyGateHost) {
    this.#host = host;
  }

  get hook(): NotifyHook | undefined {
    return this.#hook;
  }

  /** Replaces the NOTIFY settings (undefined: NOTIFY NONE). */
  set(hook: NotifyHook | undefined): void {
    this.#hook?.close();
    this.#hook = hook;
    this.watchSelection();
  }

  /** Called when the selection changed: the new view pushes its changes when NOTIFY asks for it. */
  watchSelection(): void {
    const selected = this.#host.selected;
    if (!selected) return;
    const pushes = this.#hook !== undefined && this.#hook.selectedEvents !== 'none';
    selected.onChange = pushes ? () => this.#pushSelected() : undefined;
  }

  commandStarted(): void {
    this.#commandRunning = true;
  }

  commandFinished(): void {
    this.#commandRunning = false;
    this.#hook?.drain();
    if (this.#hook !== undefined && this.#hook.selectedEvents !== 'none') this.#pushSelected();
  }

  /** IDLE (RFC 2177) waits for pushes: notifications about other mailboxes go out at once meanwhile. */
  setIdling(idling: boolean): void {
    this.#idling = idling;
    if (idling) this.#hook?.drain();
  }

  /** The hook queued something: write it now unless a command is running. */
  pending(): void {
    if (!this.#commandRunning || this.#idling) this.#hook?.drain();
  }

  /** Tells the hook which uids an EXISTS just announced (MessageNew fetch attributes). */
  afterFlush(selected: SelectedMailbox, previousLastUid: number, write: (bytes: Buffer) => void): void {
    const hook = this.#hook;
    if (!hook) return;
    const uids = selected.uids;
    const arrivals: number[] = [];
    for (let index = uids.length - 1; index >= 0 && uids[index]! > previousLastUid; index--) arrivals.unshift(uids[index]!);
    if (arrivals.length > 0) hook.afterSelectedFlush(selected, arrivals, write);
  }

  close(): void {
    this.#hook?.close();
    this.#hook = undefined;
  }

  #pushSelected(): void {
    const hook = this.#hook;
    if (!hook || this.#commandRunning || !this.#host.selected) return;
    this.#host.flushChanges(hook.selectedEvents === 'immediate');
  }
}
