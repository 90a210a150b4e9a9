/** An error answered to the caller in AWS JSON 1.1 form: `{"__type": code, "message": ...}`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
  }
}

export const invalidInput = (message: string) => new ApiError('InvalidInputException', message);
export const notFound = (message: string) => new ApiError('ResourceNotFoundException', message);
export const alreadyExists = (message: string) => new ApiError('ResourceAlreadyExistsException', message);
export const inUse = (message: string) => new ApiError('ResourceInUseException', message);
export const limitExceeded = (message: string) => new ApiError('LimitExceededException', message);
export const invalidNextToken = (message: string) => new ApiError('InvalidNextTokenException', message);
