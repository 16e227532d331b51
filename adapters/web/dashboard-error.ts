/**
 * A dashboard request refused on purpose: its HTTP status, a stable code, and a sentence for the
 * person (shown on an HTML page, or in JSON for exports). Core errors map onto statuses in
 * dashboard-routes.ts.
 */
import { DeepClawError } from '../../bot/errors.ts';

export class DashboardHttpError extends DeepClawError {
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(code, message);
    this.status = status;
  }
}
