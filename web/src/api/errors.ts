import type { ErrorBody } from './types';

/** Every failed call surfaces as this, whether the server answered or the network failed. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  readonly requestId: string | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    details?: Record<string, unknown>,
    requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }

  /** A positive number from `details` (for example `max` of LIMIT_REACHED). */
  detailNumber(key: string): number | undefined {
    const value = this.details?.[key];
    return typeof value === 'number' ? value : undefined;
  }
}

export const NETWORK_ERROR = 'NETWORK_ERROR';

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** True for the two 401 codes that a refresh can cure. */
export function isAuthExpiry(error: ApiError): boolean {
  return error.status === 401 && (error.code === 'AUTH_FAILED' || error.code === 'TOKEN_EXPIRED');
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/** An error body's `details` (any JSON in the contract) when it is an object, as the codes that have details send. */
export function detailsObject(details: unknown): Record<string, unknown> | undefined {
  return typeof details === 'object' && details !== null && !Array.isArray(details)
    ? (details as Record<string, unknown>)
    : undefined;
}

/** Builds an ApiError from a non-2xx response, tolerating bodies that are not our JSON. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (isErrorBody(body)) {
    const { code, message, details, request_id } = body.error;
    return new ApiError(response.status, code, message, detailsObject(details), request_id);
  }
  const requestId = response.headers.get('x-request-id') ?? undefined;
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    response.statusText || `HTTP ${response.status}`,
    undefined,
    requestId,
  );
}
