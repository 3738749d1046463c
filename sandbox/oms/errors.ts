/**
 * ShipStation V1 runs on ASP.NET Web API, and its errors have that framework's shapes: a model
 * validation failure is `{"Message": "The request is invalid.", "ModelState": {field: [messages]}}`,
 * other failures `{"Message": ...}` (500s add `ExceptionMessage`, `ExceptionType`, `StackTrace`).
 * FACTS.md section 3 notes `{"message": ...}` too: clients must read both cases.
 */
export type ModelState = Record<string, string[]>;

export const ssMessage = (message: string) => ({ Message: message });

export const ssModelState = (modelState: ModelState) => ({ Message: 'The request is invalid.', ModelState: modelState });

/** A request the sandbox refuses: thrown by the order logic, turned into a response by the routes. */
export class SsRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly modelState?: ModelState,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return this.modelState ? ssModelState(this.modelState) : ssMessage(this.message);
  }
}
