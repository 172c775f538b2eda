// The error for mistakes a model can fix by calling a tool differently (text not found, nothing to commit,
// no commits to send, ...). The agent runtime shows its message to the model as the tool's result; any
// other error is mailswarm's own failure.
export class WorkspaceToolError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WorkspaceToolError';
  }
}
