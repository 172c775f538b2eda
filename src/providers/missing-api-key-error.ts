// The error `createModel` throws when a cloud vendor's API key is not in the environment and falling back
// to the offline model is not allowed: it names the model and the variable(s) to set.
export class MissingApiKeyError extends Error {
  override name = 'MissingApiKeyError';
  readonly spec: string;
  /** Environment variables any one of which would have supplied the key. */
  readonly variables: readonly string[];
  constructor(spec: string, variables: readonly string[]) {
    super(
      `model "${spec}" needs an API key in the environment variable ${variables.join(' or ')}, which is not set, ` +
        'and falling back to the offline model is not allowed',
    );
    this.spec = spec;
    this.variables = variables;
  }
}
