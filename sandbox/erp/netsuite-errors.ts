/** NetSuite's REST error body (ns:section_156570709583). */
export function netSuiteError(status: number, title: string, detail: string, errorCode: string) {
  return {
    type: `https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.${status === 404 ? 5 : status === 401 ? 2 : 1}`,
    title,
    status,
    'o:errorDetails': [{ detail, 'o:errorCode': errorCode }],
  };
}

export class NetSuiteInputError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly errorCode: string,
    detail: string,
  ) {
    super(detail);
  }
  body() {
    return netSuiteError(this.status, this.title, this.message, this.errorCode);
  }
}
