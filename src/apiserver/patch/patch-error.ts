// The errors a patch or an apply fails with, carrying what kube-apiserver puts in the Status it answers:
// the HTTP code, the Status reason ('' is StatusReasonUnknown, left out of the Status), the message,
// and for some the details (an empty object for the generic 422, causes for apply conflicts).

export interface PatchErrorCause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

export interface PatchErrorDetails {
  readonly causes?: readonly PatchErrorCause[];
}

export type PatchErrorReason = 'BadRequest' | 'Invalid' | 'Conflict' | 'UnsupportedMediaType' | 'RequestEntityTooLarge' | '';

export class PatchError extends Error {
  constructor(
    readonly code: number,
    readonly reason: PatchErrorReason,
    message: string,
    readonly details?: PatchErrorDetails,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

/** errors.NewBadRequest: 400 with the message as given. */
export function badRequest(message: string): PatchError {
  return new PatchError(400, 'BadRequest', message);
}

/**
 * errors.NewGenericServerResponse(422, ...) with no resource: kube-apiserver drops the underlying
 * message and answers this fixed text with empty details.
 */
export function genericUnprocessable(): PatchError {
  return new PatchError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/** An error that is not a Status upstream: the apiserver answers 500 with reason Unknown and the error's text. */
export function unknownError(message: string): PatchError {
  return new PatchError(500, '', message);
}
