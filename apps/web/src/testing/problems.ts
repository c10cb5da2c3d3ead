import type { TestRequest } from '@angular/common/http/testing';
import type { ErrorCode } from '@assay/contracts';
import { problemCatalog, problemTypePrefix } from '@assay/contracts';

/**
 * Answers `request` with the problem details the server sends for `code`: its status and title
 * from the catalogue, with `members` such as `detail` and the code's extension members.
 */
export function flushProblem(
  request: TestRequest,
  code: ErrorCode,
  members: Record<string, unknown> = {},
): void {
  const { status, title } = problemCatalog[code];
  request.flush(
    { type: `${problemTypePrefix}${code}`, title, status, code, ...members },
    { status, statusText: title },
  );
}
